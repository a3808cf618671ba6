import type { IncomingMessage } from 'node:http'
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { type BodyRead, type CurfewHttpOptions, readNodeBody, resolveHttpOptions, withUrl } from '../../http'
import type { OidcRelyingParty } from '../../oidc/relyingParty'
import { handleOidcRoute, matchOidcRoute, methodNotAllowedReply, OIDC_BODY_LIMIT } from '../../oidc/routes'
import type { OidcReply } from '../../oidc/types'
import { applyHeaders, requestInfo } from './request'

/** Options of {@link oidcRoutes}: the session cookie options (same as the `fastifyCurfew` plugin's). */
export interface FastifyOidcRoutesOptions extends CurfewHttpOptions {
  /** Where RP-initiated logout lands when the IdP has no end-session endpoint. Default `/`. */
  afterLogout?: string
}

const SUBPATHS = ['/login', '/callback', '/backchannel-logout', '/logout']
// Wrong methods get a typed 405 rather than Fastify's 404; OPTIONS stays with the app's CORS handling.
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']
const JSON_TYPE = 'application/json; charset=utf-8'

function send(reply: FastifyReply, answer: OidcReply): FastifyReply {
  applyHeaders(reply, answer.headers)
  reply.code(answer.status)
  if (answer.body === undefined) return reply.send()
  if (!reply.hasHeader('content-type')) reply.header('content-type', JSON_TYPE)
  return reply.send(JSON.stringify(answer.body))
}

/**
 * The OIDC routes as a Fastify plugin; register it at your auth base path: `GET /login`,
 * `GET /callback`, `POST /backchannel-logout` (register this URI at the IdP) and `POST /logout`. A thin
 * layer over the same protocol code as Express's `oidcRoutes` and fetch's `createOidcHandler`. It reads
 * the back-channel form body itself (at most 64 KiB), whatever parsers the app registered elsewhere.
 * Give it the cookie options you gave `fastifyCurfew`, so both read one cookie.
 *
 * @example
 * await app.register(fastifyCurfew, { manager })
 * await app.register(oidcRoutes(rp), { prefix: '/auth' })
 */
export function oidcRoutes(rp: OidcRelyingParty, options: FastifyOidcRoutesOptions = {}): FastifyPluginAsync {
  const { afterLogout, ...httpOptions } = options
  const resolved = resolveHttpOptions(httpOptions)
  return async function curfewOidcRoutes(scope: FastifyInstance): Promise<void> {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_request: FastifyRequest, payload: IncomingMessage) =>
      readNodeBody(payload, OIDC_BODY_LIMIT),
    )
    // What Fastify refuses before a handler runs (an unparsable Content-Type, a body over its limit) is
    // the client's fault: a 400 with an OAuth error body, as Back-Channel Logout §2.8 asks. Anything else
    // (the IdP unreachable during sign-in) is a 503 to retry, never a stack trace.
    scope.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
      const status = error.statusCode ?? 500
      const client = status >= 400 && status < 500
      return send(reply, {
        status: client ? 400 : 503,
        headers: [['Cache-Control', 'no-store']],
        body: client
          ? { error: 'invalid_request', error_description: 'The request could not be read.' }
          : { error: 'temporarily_unavailable', error_description: 'Try again shortly.' },
      })
    })
    for (const subpath of SUBPATHS) {
      scope.route({
        method: METHODS,
        url: subpath,
        exposeHeadRoute: false,
        handler: async (request, reply) => {
          const match = matchOidcRoute(subpath, '')
          if (match === null) return reply.callNotFound()
          if (request.method.toUpperCase() !== match.method) {
            return send(reply, methodNotAllowedReply(match.method))
          }
          const info = requestInfo(request)
          const answer = await handleOidcRoute({
            rp,
            route: match.route,
            request: withUrl(info, `${request.protocol}://${info.host ?? 'localhost'}${request.url}`),
            readBody: async () => {
              const body = request.body as BodyRead | undefined
              if (body === undefined) return ''
              return body.ok && 'text' in body ? body.text : undefined
            },
            options: resolved,
            ...(afterLogout === undefined ? {} : { afterLogout }),
          })
          return send(reply, answer)
        },
      })
    }
  }
}
