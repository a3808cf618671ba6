import { type Duration, parseDuration } from './duration'
import { CurfewError, type CurfewErrorCode } from './errors'

/** What an application writes: durations as milliseconds or strings. */
export interface PolicyInput {
  /** A label for tiers (`'default'`, `'admin'`, `'payments'`). Not part of the fingerprint. */
  name?: string
  /** Inactivity allowed before the session ends. */
  idleTimeout: Duration
  /** Lifetime from authentication; activity never extends it. */
  absoluteTimeout: Duration
  /** How long before the deadline the browser warns. Default: a fifth of the idle timeout, at most 2 min. */
  warnBefore?: Duration
  /**
   * Minimum gap between two recorded activities. Throttling can only end a session early, never late.
   * Default: a tenth of the idle timeout, at most 1 min. `0` records every activity.
   */
  touchInterval?: Duration
  /** Rotate the session token this often (OWASP renewal timeout). Off when absent or 0. */
  renewEvery?: Duration
  /** How long a rotated token keeps working (concurrent tabs). Default 30 s when renewal is on. */
  renewGrace?: Duration
  /** Where the figures come from (a clause of a standard). Documentation only. */
  source?: string
}

/** A validated policy: every duration resolved to milliseconds, frozen. */
export interface Policy {
  readonly name: string
  readonly idleTimeout: number
  readonly absoluteTimeout: number
  readonly warnBefore: number
  readonly touchInterval: number
  /** `0` when renewal is off. */
  readonly renewEvery: number
  readonly renewGrace: number
  readonly source?: string
}

const KNOWN_KEYS = new Set([
  'name',
  'idleTimeout',
  'absoluteTimeout',
  'warnBefore',
  'touchInterval',
  'renewEvery',
  'renewGrace',
  'source',
])

function fail(code: CurfewErrorCode, message: string): never {
  throw new CurfewError({ code, message })
}

function positive(input: unknown, key: string): number {
  if (input === undefined) fail('invalid_policy', `Policy is missing "${key}".`)
  const ms = parseDuration(input as Duration)
  if (ms <= 0) fail('invalid_duration', `Policy "${key}" must be longer than zero.`)
  return ms
}

/**
 * Validates a policy and resolves its durations to milliseconds. Unknown keys are refused: a typo such as
 * `idleTimout` must not silently disable a limit.
 *
 * @example
 * const policy = definePolicy({ idleTimeout: '15m', absoluteTimeout: '12h' })
 * policy.idleTimeout // 900000
 */
export function definePolicy(input: PolicyInput | Policy): Policy {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    fail(
      'invalid_policy',
      'A policy must be an object such as { idleTimeout: "15m", absoluteTimeout: "12h" }.',
    )
  }
  for (const key of Object.keys(input)) {
    if (!KNOWN_KEYS.has(key)) {
      fail('policy_unknown_key', `Unknown policy key "${key}". Known keys: ${[...KNOWN_KEYS].join(', ')}.`)
    }
  }
  const name = input.name ?? 'default'
  if (typeof name !== 'string' || !/^[\w.-]{1,64}$/.test(name)) {
    fail('invalid_policy', 'Policy "name" must be 1-64 letters, digits, "_", "-" or ".".')
  }
  const idleTimeout = positive(input.idleTimeout, 'idleTimeout')
  const absoluteTimeout = positive(input.absoluteTimeout, 'absoluteTimeout')
  if (idleTimeout > absoluteTimeout) {
    fail('policy_idle_exceeds_absolute', 'Policy "idleTimeout" must not exceed "absoluteTimeout".')
  }
  const warnBefore =
    input.warnBefore === undefined
      ? Math.min(120_000, Math.floor(idleTimeout / 5))
      : positive(input.warnBefore, 'warnBefore')
  if (warnBefore >= idleTimeout) {
    fail('policy_warn_before_too_long', 'Policy "warnBefore" must be shorter than "idleTimeout".')
  }
  const touchInterval =
    input.touchInterval === undefined
      ? Math.min(60_000, Math.floor(idleTimeout / 10))
      : parseDuration(input.touchInterval)
  // A throttle as long as the idle timeout would let an active user time out; cap it at half.
  if (touchInterval > idleTimeout / 2) {
    fail('policy_touch_interval_too_long', 'Policy "touchInterval" must be at most half of "idleTimeout".')
  }
  // 0 means "renewal off", so a resolved policy can be passed back in unchanged.
  const renewEvery = input.renewEvery === undefined ? 0 : parseDuration(input.renewEvery)
  const renewGrace =
    renewEvery === 0 ? 0 : input.renewGrace === undefined ? 30_000 : positive(input.renewGrace, 'renewGrace')
  if (input.source !== undefined && typeof input.source !== 'string') {
    fail('invalid_policy', 'Policy "source" must be a string.')
  }
  const policy: Policy = {
    name,
    idleTimeout,
    absoluteTimeout,
    warnBefore,
    touchInterval,
    renewEvery,
    renewGrace,
    ...(input.source === undefined ? {} : { source: input.source }),
  }
  return Object.freeze(policy)
}
