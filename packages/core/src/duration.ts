import { CurfewError } from './errors'

/** A duration: milliseconds as a number, or a string such as `'500ms'`, `'90s'`, `'15m'`, `'12h'`, `'7d'`. */
export type Duration = number | `${number}${DurationUnit}` | string

type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd'

const UNIT_MS: Record<DurationUnit, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }

// Decimal number (no exponent, so '1e999h' cannot sneak past) followed by exactly one unit.
const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/

/** Longest duration accepted: ten years. Anything larger is a typo, not a policy. */
export const MAX_DURATION_MS = 10 * 365 * 86_400_000

const ACCEPTED = "a positive number of milliseconds or a string like '500ms', '90s', '15m', '12h' or '7d'"

function invalid(input: unknown): CurfewError {
  let shown: string
  try {
    shown = typeof input === 'string' ? JSON.stringify(input.slice(0, 40)) : String(input)
  } catch {
    shown = typeof input
  }
  return new CurfewError({ code: 'invalid_duration', message: `Invalid duration ${shown}: use ${ACCEPTED}.` })
}

/**
 * Parses a duration to whole milliseconds. Numbers are milliseconds. Zero is accepted (callers that need
 * a positive value check it themselves); negative, fractional-millisecond, non-finite and over-long
 * values throw `CurfewError` with code `invalid_duration`.
 *
 * @example
 * parseDuration('15m') // 900000
 * parseDuration(500)   // 500
 */
export function parseDuration(input: Duration): number {
  let ms: number
  if (typeof input === 'number') {
    ms = input
  } else if (typeof input === 'string') {
    const match = DURATION_RE.exec(input)
    if (!match) throw invalid(input)
    ms = Number(match[1]) * UNIT_MS[match[2] as DurationUnit]
  } else {
    throw invalid(input)
  }
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_DURATION_MS || !Number.isInteger(ms)) throw invalid(input)
  return ms
}

/**
 * Formats milliseconds as the shortest exact duration string, so `parseDuration(formatDuration(x)) === x`.
 *
 * @example
 * formatDuration(900000) // '15m'
 * formatDuration(90000)  // '90s'
 */
export function formatDuration(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0) throw invalid(ms)
  if (ms === 0) return '0ms'
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`
  }
  return `${ms}ms`
}
