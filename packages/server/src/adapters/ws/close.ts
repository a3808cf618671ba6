import type { SessionManager } from '../../types'
import type { WatchedSession } from '../../watch/types'

/** Close code of a connection cut because its session ended (like HTTP 401, in the 4000 private range). */
export const SESSION_ENDED_CLOSE_CODE = 4401

/** Options of {@link closeAtSessionEnd}. */
export interface CloseAtSessionEndOptions {
  /** The session the connection was opened with (`authenticateUpgrade`'s `session`). */
  session: WatchedSession
  /**
   * Closes the connection: called once with code 4401 and the end reason (`idle`, `absolute`,
   * `revoked`, `logout`, `idp_logout`, …). Any socket fits: `(code, reason) => ws.close(code, reason)`.
   */
  close(code: number, reason: string): void
  /** How the cut-off is named in the audit trail (`connection.closed`). Default `'websocket'`. */
  transport?: string
}

/**
 * Closes a connection with code 4401 and the reason when its session ends (deadline, or a revoke on any
 * server of the fleet). Returns the function that stops watching: call it when the connection closes
 * for any other reason. Framework-free, so a reverse proxy can use it for the sockets it relays.
 *
 * @example
 * const stop = closeAtSessionEnd(manager, { session, close: (code, reason) => ws.close(code, reason) })
 * ws.once('close', stop)
 */
export function closeAtSessionEnd(manager: SessionManager, options: CloseAtSessionEndOptions): () => void {
  return manager.watch(
    options.session,
    ({ reason }) => {
      try {
        options.close(SESSION_ENDED_CLOSE_CODE, reason)
      } catch {
        // Already closed or closing: nothing left to cut.
      }
    },
    { transport: options.transport ?? 'websocket' },
  )
}
