import type { StoredSession, StoreEndReason, StoreLimits } from './types'

/**
 * The pure decision a store makes inside `check`, in the order the contract fixes: absolute (the
 * policy's, or the session's own `notAfter` when earlier), then idle.
 * (Revocation is a tombstone and is looked at before this.) Other stores port these few lines to
 * their own language (e.g. Lua) — keep them identical.
 */
export function judgeLimits(options: {
  session: Pick<StoredSession, 'authTime' | 'lastActivityAt' | 'notAfter'>
  limits: StoreLimits
  now: number
}): {
  reason: Extract<StoreEndReason, 'idle' | 'absolute'> | null
  expiresAt: number
} {
  const { session, limits, now } = options
  // A per-session cap (notAfter) can only bring the absolute deadline forward.
  const absoluteExpiresAt = Math.min(
    session.authTime + limits.absoluteTimeout,
    session.notAfter ?? Number.POSITIVE_INFINITY,
  )
  const idleExpiresAt = Math.max(session.authTime, session.lastActivityAt) + limits.idleTimeout
  const expiresAt = Math.min(absoluteExpiresAt, idleExpiresAt)
  if (now >= absoluteExpiresAt) return { reason: 'absolute', expiresAt }
  if (now >= idleExpiresAt) return { reason: 'idle', expiresAt }
  return { reason: null, expiresAt }
}

/** Whether activity at `now` must be written (throttle; never backwards). */
export function shouldTouch(options: { session: StoredSession; limits: StoreLimits; now: number }): boolean {
  const { session, limits, now } = options
  return now - session.lastActivityAt >= Math.max(limits.touchInterval, 1)
}

/** Whether the current token is due for rotation. */
export function renewalDue(options: { session: StoredSession; limits: StoreLimits; now: number }): boolean {
  const { session, limits, now } = options
  return limits.renewEvery > 0 && now >= session.renewedAt + limits.renewEvery
}
