import type { Policy } from './policy'
import type { ExpiryReason } from './wire'

/** The times a deadline depends on. The server's session record carries these fields and more. */
export interface SessionTimes {
  /** When the user last authenticated (epoch ms). The absolute deadline counts from here. */
  readonly authTime: number
  /** Last recorded activity (epoch ms); may lag real activity by up to `touchInterval`. */
  readonly lastActivityAt: number
  /**
   * A cap of this one session (epoch ms), e.g. the end of the identity provider's session: the absolute
   * deadline is `min(authTime + absoluteTimeout, notAfter)`. Absent = no cap beyond the policy.
   */
  readonly notAfter?: number
  /** Set when the session was ended on purpose (revoked, logout, ...). */
  readonly endedReason?: ExpiryReason | null
}

/** The verdict on a session at one instant. */
export interface SessionEvaluation {
  readonly state: 'active' | 'expired'
  readonly reason?: ExpiryReason
  readonly idleExpiresAt: number
  readonly absoluteExpiresAt: number
  /** `min(idleExpiresAt, absoluteExpiresAt)`. */
  readonly expiresAt: number
  /** Which deadline comes first; `'absolute'` on a tie, because that one cannot be extended. */
  readonly expiresBy: 'idle' | 'absolute'
}

/**
 * Judges a session against the policy in force now. Order: ended → absolute → idle. A session is
 * expired from its deadline's instant on (`now >= expiresAt`). A per-session `notAfter` folds into the
 * absolute deadline (whichever comes first), so it ends the session with reason `absolute`.
 *
 * @example
 * evaluateSession({ authTime: 0, lastActivityAt: 0 }, definePolicy({ idleTimeout: '15m', absoluteTimeout: '12h' }), 900_000)
 * // { state: 'expired', reason: 'idle', expiresAt: 900000, ... }
 */
export function evaluateSession(times: SessionTimes, policy: Policy, now: number): SessionEvaluation {
  const absoluteExpiresAt = Math.min(
    times.authTime + policy.absoluteTimeout,
    times.notAfter ?? Number.POSITIVE_INFINITY,
  )
  // Activity can never be credited before authentication or after the absolute deadline.
  const idleExpiresAt = Math.max(times.authTime, times.lastActivityAt) + policy.idleTimeout
  const expiresBy = idleExpiresAt < absoluteExpiresAt ? 'idle' : 'absolute'
  const expiresAt = Math.min(idleExpiresAt, absoluteExpiresAt)
  const base = { idleExpiresAt, absoluteExpiresAt, expiresAt, expiresBy } as const
  if (times.endedReason) return { state: 'expired', reason: times.endedReason, ...base }
  if (now >= absoluteExpiresAt) return { state: 'expired', reason: 'absolute', ...base }
  if (now >= idleExpiresAt) return { state: 'expired', reason: 'idle', ...base }
  return { state: 'active', ...base }
}

/**
 * Records activity at `now`, honouring `touchInterval`: returns the same object when nothing needs
 * writing (throttled, clock behind, or session already expired), so callers can skip the store write.
 * Never moves `lastActivityAt` backwards and never touches `authTime`, so the absolute deadline is fixed.
 *
 * @example
 * const next = recordActivity(record, policy, Date.now())
 * if (next !== record) await store.save(next)
 */
export function recordActivity<T extends SessionTimes>(times: T, policy: Policy, now: number): T {
  if (evaluateSession(times, policy, now).state !== 'active') return times
  if (now - times.lastActivityAt < Math.max(policy.touchInterval, 1)) return times
  return { ...times, lastActivityAt: now }
}
