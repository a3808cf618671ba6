import express, { type Response, type Router } from 'express'
import { type CurfewHttpOptions, readNodeBody, resolveHttpOptions, withUrl } from '../../http'
import type { OidcRelyingParty } from '../../oidc/relyingParty'
import { handleOidcRoute, matchOidcRoute, methodNotAllowedReply, OIDC_BODY_LIMIT } from '../../oidc/routes'
import type { OidcReply } from '../../oidc/types'
import { applyHeaders, requestInfo } from './request'

/** Options of {@link oidcRoutes}: the session cookie options (same as `sessionMiddleware`'s). */
export interface OidcRoutesOptions extends CurfewHttpOptions {
  /** Where RP-initiated logout lands when the IdP has no end-session endpoint. Default `/`. */
  afterLogout?: string
}

/**
 * The OIDC routes as an Express router; mount it at your auth base path (default in docs `/auth`):
 * `GET /login`, `GET /callback`, `POST /backchannel-logout` (register it at the IdP), `POST /logout`.
 *
 * @example
 * app.use('/auth', oidcRoutes(rp))
 */
export function oidcRoutes(rp: OidcRelyingParty, options: OidcRoutesOptions = {}): Router {
  const resolved = resolveHttpOptions(options)
  const router = express.Router()
  router.use(async (req, res, next) => {
    const match = matchOidcRoute(req.path, '')
    if (match === null) {
      next()
      return
    }
    if (req.method.toUpperCase() !== match.method) {
      write(res, methodNotAllowedReply(match.method))
      return
    }
    const info = requestInfo(req)
    const reply = await handleOidcRoute({
      rp,
      route: match.route,
      request: withUrl(info, `${req.protocol}://${info.host ?? 'localhost'}${req.originalUrl}`),
      readBody: async () => {
        // express.urlencoded() mounted earlier has parsed the form already.
        if (req.body !== undefined && typeof req.body === 'object') {
          return new URLSearchParams(req.body as Record<string, string>).toString()
        }
        const read = await readNodeBody(req, OIDC_BODY_LIMIT)
        return read.ok && 'text' in read ? read.text : undefined
      },
      options: resolved,
      ...(options.afterLogout === undefined ? {} : { afterLogout: options.afterLogout }),
    })
    write(res, reply)
  })
  return router
}

function write(res: Response, reply: OidcReply): void {
  applyHeaders(res, reply.headers)
  res.status(reply.status)
  if (reply.body === undefined) res.end()
  else res.json(reply.body)
}
