import type { OidcRelyingParty } from '@curfew/server/oidc'
import type { FastifyInstance } from 'fastify'
import { GATEWAY_PREFIX } from '../access/checkAccess'
import type { GatewayConfig } from '../config/schema'
import { safeReturnTo } from '../http/returnTo'
import { addressedHost } from './addressedHost'
import { crossSiteFormPost } from './crossSite'
import { oidcSignOut } from './oidcRoutes'

/**
 * `POST /curfew/signout`: ends the session (reason `logout`, CSRF-checked like the session routes) and
 * returns to `rd` (303), or answers JSON when asked. Ends it for every app behind the gateway at once.
 */
export function signOutRoute(app: FastifyInstance, config: GatewayConfig, rp?: OidcRelyingParty): void {
  const crossSite = crossSiteFormPost(config)
  app.post(`${GATEWAY_PREFIX}/signout`, { bodyLimit: 4096 }, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    if (rp) {
      // Same cross-site rule as the session routes: a foreign page must not sign the user out.
      if (crossSite(request)) {
        return reply
          .code(403)
          .send({ error: 'csrf', reason: 'cross_site', message: 'Cross-site sign-out refused.' })
      }
      return oidcSignOut({ rp, config, request, reply })
    }
    const outcome = await reply.signOut()
    if (!outcome.ok) return reply.code(outcome.httpStatus).send(outcome.body)
    const query = request.query as Record<string, unknown>
    if (request.headers.accept?.includes('application/json') || query.rd === undefined) {
      return reply.send(outcome.status ?? { state: 'expired', reason: 'logout' })
    }
    const back = safeReturnTo(query.rd, {
      host: addressedHost(request),
      publicUrl: config.publicUrl,
      cookieDomain: config.cookie.domain,
    })
    return reply.redirect(back, 303)
  })
}
