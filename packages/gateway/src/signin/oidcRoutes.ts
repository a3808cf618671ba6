import type { OidcRelyingParty, OidcReply } from '@curfew/server/oidc'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { GATEWAY_PREFIX } from '../access/checkAccess'
import type { GatewayConfig } from '../config/schema'
import { safeReturnTo } from '../http/returnTo'
import { addressedHost } from './addressedHost'
import { sessionCookieFor, sessionTokenFrom } from './sessionCookie'

function protoOf(request: FastifyRequest): string {
  return request.headers['x-forwarded-proto']?.toString().split(',')[0]?.trim() === 'https'
    ? 'https'
    : request.protocol
}

function send(reply: FastifyReply, answer: OidcReply): FastifyReply {
  const cookies: string[] = []
  for (const [name, value] of answer.headers) {
    if (name.toLowerCase() === 'set-cookie') cookies.push(value)
    else reply.header(name, value)
  }
  if (cookies.length > 0) reply.header('set-cookie', cookies)
  return reply.code(answer.status).send(answer.body ?? '')
}

/**
 * Sign-in through the configured OpenID Provider, on `@curfew/server/oidc`'s relying party: `GET
 * /curfew/signin` (302 to the IdP, PKCE + state + nonce), the callback at `oidc.redirectUri`'s path (a
 * session anchored at the IdP's `auth_time`), `POST /curfew/backchannel-logout` (Back-Channel Logout 1.0:
 * ends every session of the IdP session), and RP-initiated logout from `POST /curfew/signout`.
 * Register inside `withFormBodies`.
 */
export function oidcRoutes(
  app: FastifyInstance,
  options: { config: GatewayConfig; rp: OidcRelyingParty },
): void {
  const { config, rp } = options
  const oidc = config.oidc!
  const allowed = (request: FastifyRequest) => ({
    host: addressedHost(request),
    publicUrl: config.publicUrl,
    cookieDomain: config.cookie.domain,
  })
  // The relying party returns only to a path on its own origin.
  const returnPath = (value: unknown, request: FastifyRequest) => {
    const target = safeReturnTo(value, allowed(request))
    if (target.startsWith('/')) return target
    const url = new URL(target)
    return `${url.pathname}${url.search}`
  }

  app.get(`${GATEWAY_PREFIX}/signin`, async (request, reply) => {
    const query = request.query as Record<string, unknown>
    return send(reply, await rp.signIn({ returnTo: returnPath(query.rd, request) }))
  })

  app.get(new URL(oidc.redirectUri).pathname, async (request, reply) => {
    const host = addressedHost(request)
    const result = await rp.callback({
      url: `${protoOf(request)}://${host}${request.url}`,
      cookie: request.headers.cookie,
      currentToken: sessionTokenFrom(request.headers.cookie, config.cookie) ?? null,
    })
    if (!result.ok) return send(reply, result.reply)
    const cookie = sessionCookieFor({
      config: config.cookie,
      host,
      token: result.token,
      status: result.status,
    })
    return send(reply, {
      status: 303,
      headers: [
        ...result.headers,
        ['Set-Cookie', cookie],
        ['Location', result.returnTo],
        ['Cache-Control', 'no-store'],
      ],
    })
  })

  if (oidc.backchannelLogout) {
    app.post(`${GATEWAY_PREFIX}/backchannel-logout`, { bodyLimit: 16 * 1024 }, async (request, reply) => {
      const body = request.body
      const form =
        typeof body === 'object' && body !== null
          ? new URLSearchParams(body as Record<string, string>)
          : typeof body === 'string'
            ? body
            : undefined
      return send(reply, await rp.backchannelLogout({ body: form }))
    })
  }
}

/** RP-initiated logout: ends the session and answers where the browser goes next (the IdP, or `rd`). */
export async function oidcSignOut(options: {
  rp: OidcRelyingParty
  config: GatewayConfig
  request: FastifyRequest
  reply: FastifyReply
}): Promise<FastifyReply> {
  const { rp, config, request, reply } = options
  const host = addressedHost(request)
  const { location } = await rp.signOut({
    token: sessionTokenFrom(request.headers.cookie, config.cookie),
    ...(config.oidc?.postLogoutRedirectUri
      ? { postLogoutRedirectUri: config.oidc.postLogoutRedirectUri }
      : {}),
  })
  reply.header('set-cookie', sessionCookieFor({ config: config.cookie, host, token: null }))
  reply.header('cache-control', 'no-store')
  const query = request.query as Record<string, unknown>
  const next =
    location ??
    safeReturnTo(query.rd, { host, publicUrl: config.publicUrl, cookieDomain: config.cookie.domain })
  if (request.headers.accept?.includes('application/json'))
    return reply.send({ state: 'expired', reason: 'logout', location: next })
  return reply.redirect(next, 303)
}
