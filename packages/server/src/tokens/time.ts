import { CurfewError, type Duration, parseDuration } from '@curfew/core'

/** Longest clock tolerance a verifier accepts: beyond a few minutes, clocks need fixing, not tolerance. */
export const MAX_CLOCK_TOLERANCE_SECONDS = 300

function invalid(message: string): never {
  throw new CurfewError({ code: 'invalid_option', message })
}

/** A number of seconds (the JWT convention) or a duration string (`'30s'`, `'2m'`), as whole seconds. */
export function toSeconds(input: number | Duration, name: string): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) invalid(`"${name}" must be zero or more seconds.`)
    return input
  }
  try {
    return parseDuration(input) / 1000
  } catch (cause) {
    throw new CurfewError({
      code: 'invalid_option',
      message: `"${name}" must be seconds or a duration such as '30s'.`,
      cause,
    })
  }
}

/** The `clockTolerance` option, bounded to at most five minutes. */
export function clockToleranceSeconds(input: number | Duration | undefined): number {
  if (input === undefined) return 0
  const seconds = toSeconds(input, 'clockTolerance')
  if (seconds > MAX_CLOCK_TOLERANCE_SECONDS) {
    invalid(`"clockTolerance" is at most ${MAX_CLOCK_TOLERANCE_SECONDS} seconds; fix the clocks instead.`)
  }
  return seconds
}
