import type { SessionManager } from '../../types'
import type { WatchedSession } from '../../watch/types'

/** The last event of a stream cut because its session ended; `data` is `{"reason":"…"}`. */
export const EXPIRED_EVENT = 'curfew-expired'

/** What {@link endStreamAtSessionEnd} needs of the response (Node's `ServerResponse` fits). */
export interface StreamResponseLike {
  write(chunk: string): unknown
  end(): unknown
  once?(event: 'close', listener: () => void): unknown
}

/** Options of {@link endStreamAtSessionEnd}. */
export interface EndStreamOptions {
  /** The session the request was authenticated with (`req.curfew.session` in Express). */
  session: WatchedSession
  /** The event-stream response. */
  response: StreamResponseLike
}

/**
 * Ends a server-sent events stream when its session ends (deadline, or a revoke on any server): writes
 * a final `event: curfew-expired` with `{"reason": …}`, then ends the response. Stops watching when the
 * client goes away (`close` on the response). Returns that stop function too. Authenticate the request
 * with your adapter's middleware, marked passive (a stream is not user activity).
 *
 * @example
 * app.get('/api/events', sessionMiddleware(manager, { passive: true }), (req, res) => {
 *   res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' })
 *   endStreamAtSessionEnd(manager, { session: req.curfew!.session, response: res })
 * })
 */
export function endStreamAtSessionEnd(manager: SessionManager, options: EndStreamOptions): () => void {
  const { response } = options
  const stop = manager.watch(
    options.session,
    ({ reason }) => {
      try {
        response.write(`event: ${EXPIRED_EVENT}\ndata: ${JSON.stringify({ reason })}\n\n`)
        response.end()
      } catch {
        // The client left in the same instant: nothing to end.
      }
    },
    { transport: 'sse' },
  )
  response.once?.('close', stop)
  return stop
}
