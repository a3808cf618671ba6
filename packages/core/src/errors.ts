/**
 * Every stable error code Curfew throws. Codes never change meaning between versions, so callers may
 * switch on them; messages are for humans and may be reworded.
 */
export type CurfewErrorCode =
  | 'invalid_duration'
  | 'invalid_policy'
  | 'policy_unknown_key'
  | 'policy_idle_exceeds_absolute'
  | 'policy_warn_before_too_long'
  | 'policy_touch_interval_too_long'
  | 'unknown_policy'
  | 'invalid_option'
  | 'store_unavailable'
  | 'store_timeout'
  | 'compliance_failed'
  | 'invalid_token'
  | 'request_failed'
  | 'session_expired'
  | 'auth_time_missing'
  | 'auth_too_old'

/** Options for {@link CurfewError}: an options object so new fields never reorder arguments. */
export interface CurfewErrorOptions {
  code: CurfewErrorCode
  message: string
  cause?: unknown
}

/**
 * The one error class Curfew throws. Check `code`, not the message.
 *
 * @example
 * try {
 *   definePolicy({ idleTimeout: '2h', absoluteTimeout: '1h' })
 * } catch (error) {
 *   if (error instanceof CurfewError && error.code === 'policy_idle_exceeds_absolute') { ... }
 * }
 */
export class CurfewError extends Error {
  // Declared, then assigned in the constructor (same own properties, same order): class fields cost a
  // helper and two calls in every bundle that lowers them (es2020 targets), the browser SDK included.
  declare readonly name: 'CurfewError'
  declare readonly code: CurfewErrorCode

  constructor(options: CurfewErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause })
    ;(this as { name: string }).name = 'CurfewError'
    ;(this as { code: CurfewErrorCode }).code = options.code
  }
}

/** True for a {@link CurfewError}, optionally of one code. Works across realms and duplicate copies. */
export function isCurfewError(value: unknown, code?: CurfewErrorCode): value is CurfewError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'CurfewError' &&
    (code === undefined || (value as { code?: unknown }).code === code)
  )
}
