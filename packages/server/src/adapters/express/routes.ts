import express, { type Router } from 'express'
import {
  type CurfewHttpOptions,
  handleSessionRoute,
  matchSessionRoute,
  readNodeBody,
  resolveHttpOptions,
  serverNow,
} from '../../http'
import type { SessionManager } from '../../types'
import { requestInfo, sendReply } from './request'

/** Options of {@link sessionRoutes}. */
export type SessionRoutesOptions = CurfewHttpOptions

/**
 * The session routes of the Curfew protocol as an Express router; mount it at the base path the browser
 * SDK is configured with (default `/session`):
 * `GET /` status (passive), `POST /activity`, `POST /refresh`, `POST /logout`, `GET /policy`.
 * POSTs refuse cross-site requests (403) unless they carry `Curfew-Client`, come from the same origin or
 * an `allowedOrigins` entry, or use a bearer token.
 *
 * @example
 * app.use('/session', sessionRoutes(manager))
 */
export function sessionRoutes(manager: SessionManager, options: SessionRoutesOptions = {}): Router {
  const resolved = resolveHttpOptions(options)
  const router = express.Router()
  router.use(async (req, res, next) => {
    const match = matchSessionRoute(req.method.toUpperCase(), req.path, serverNow(manager))
    if (!match) {
      next()
      return
    }
    if ('reply' in match) {
      sendReply(res, match.reply)
      return
    }
    const reply = await handleSessionRoute(
      {
        manager,
        request: requestInfo(req),
        options: resolved,
        // A body parser the app mounted earlier (express.json()) has already read and checked it.
        readBody: (limit) =>
          req.body !== undefined ? Promise.resolve({ ok: true, consumed: true }) : readNodeBody(req, limit),
      },
      match.route,
    )
    sendReply(res, reply)
  })
  return router
}
