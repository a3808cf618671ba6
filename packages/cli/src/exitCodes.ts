/**
 * Exit codes, stable for scripts: CI jobs and cron alerts branch on them.
 * - 0: every service agrees and every compliance rule passes (warnings allowed)
 * - 1: a service drifted (fingerprint or values differ) or a compliance rule failed; `sessions --drift`
 *   found drifted sessions
 * - 2: bad usage or a bad file (unreadable, not JSON, invalid policy)
 * - 3: a service could not be reached or did not answer with a Curfew policy document; Redis could not be
 *   reached or stopped answering
 */
export const EXIT = { ok: 0, mismatch: 1, usage: 2, unreachable: 3 } as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** A failure that ends the command with a given exit code and a message for stderr. */
export class CliError extends Error {
  override readonly name = 'CliError'
  readonly exitCode: ExitCode

  constructor(options: { message: string; exitCode: ExitCode; cause?: unknown }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause })
    this.exitCode = options.exitCode
  }
}
