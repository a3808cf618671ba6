import type { SessionManager } from '../types'

/** Options of {@link createSocketActivity}. */
export interface SocketActivityOptions {
  /** The token the connection authenticated with. */
  token: string
  /** The session's policy tier (its `touchInterval` sets the throttle). */
  policy: string
}

/**
 * Counting user actions on a long-lived connection as activity, throttled like HTTP activity: at most
 * one store call per `touchInterval` (and at most about ten per idle timeout, one a second at most), never rotating the token (the socket has no
 * way to hand a new cookie to the browser). Returns the function to call on each user action.
 */
export function createSocketActivity(manager: SessionManager, options: SocketActivityOptions): () => void {
  const policy = manager.policies.get(options.policy)
  // Like the store's own throttle, and never more than about ten store calls per idle period.
  const gap = Math.max(policy?.touchInterval ?? 0, Math.min(1000, (policy?.idleTimeout ?? 0) / 10))
  let last = Number.NEGATIVE_INFINITY
  let inFlight = false
  return () => {
    const time = manager.now()
    if (inFlight || time - last < gap) return
    last = time
    inFlight = true
    // The outcome does not matter here: if the session ended, its watch closes the connection.
    manager
      .validate(options.token, { activity: true, renew: false })
      .catch(() => undefined)
      .finally(() => {
        inFlight = false
      })
  }
}
