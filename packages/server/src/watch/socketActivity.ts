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
 * one store call per `touchInterval` (at least one second), never rotating the token (the socket has no
 * way to hand a new cookie to the browser). Returns the function to call on each user action.
 */
export function createSocketActivity(manager: SessionManager, options: SocketActivityOptions): () => void {
  const touchInterval = manager.policies.get(options.policy)?.touchInterval ?? 0
  const gap = Math.max(touchInterval, 1000)
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
