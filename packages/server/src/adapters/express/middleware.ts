import type { Request, RequestHandler } from 'express'
import { authenticate, type CurfewHttpOptions, resolveHttpOptions } from '../../http'
import type { SessionManager } from '../../types'
import { attachState } from './attach'
import { applyHeaders, requestInfo, sendReply } from './request'

/** Options of {@link sessionMiddleware}. */
export interface SessionMiddlewareOptions extends CurfewHttpOptions {
  /**
   * Requests that must not extend the session (background polling): `true` for every request through
   * this middleware, or a predicate. A request with `Curfew-Passive: 1` is passive regardless.
   */
  passive?: boolean | ((req: Request) => boolean)
  /**
   * Let requests without a valid session through with `req.curfew = null` instead of answering 401
   * (pages that show more to signed-in users). A store outage still answers 503 when so configured.
   */
  optional?: boolean
}

/**
 * Express middleware that admits only requests with a live session. It reads the token from the session
 * cookie or `Authorization: Bearer`, counts the request as activity unless it is passive, sets
 * `req.session` and `req.curfew`, and adds the `Curfew-Session` header (plus a rotated cookie when the
 * token was renewed). Otherwise it answers 401 JSON `SessionError` with `WWW-Authenticate` (or 503).
 *
 * @example
 * app.use('/api', sessionMiddleware(manager))
 * app.get('/api/me', (req, res) => res.json({ user: req.session?.subject }))
 * // polling that must not keep an absent user signed in:
 * app.get('/api/notifications', sessionMiddleware(manager, { passive: true }), listNotifications)
 */
export function sessionMiddleware(
  manager: SessionManager,
  options: SessionMiddlewareOptions = {},
): RequestHandler {
  const resolved = resolveHttpOptions(options)
  const passiveOption = options.passive ?? false
  return async (req, res, next) => {
    let passive: boolean
    try {
      passive = typeof passiveOption === 'function' ? passiveOption(req) === true : passiveOption
    } catch {
      // A throwing predicate must not crash the request; passive is the side that cannot extend a session.
      passive = true
    }
    const result = await authenticate({ manager, request: requestInfo(req), options: resolved }, { passive })
    if (result.ok) {
      attachState(req, result.state)
      applyHeaders(res, result.headers)
      next()
      return
    }
    if (options.optional && result.reply.status === 401) {
      attachState(req, null)
      applyHeaders(
        res,
        result.reply.headers.filter(([name]) => name.toLowerCase() === 'set-cookie'),
      )
      next()
      return
    }
    sendReply(res, result.reply)
  }
}
