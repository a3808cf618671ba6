import type { FastifyInstance, FastifyRequest } from 'fastify'
import { GATEWAY_PREFIX } from '../access/checkAccess'
import type { GatewayConfig } from '../config/schema'
import { safeReturnTo } from '../http/returnTo'

/**
 * `POST /curfew/signout`: ends the session (reason `logout`, CSRF-checked like the session routes) and
 * returns to `rd` (303), or answers JSON when asked. Ends it for every app behind the gateway at once.
 */
export function signOutRoute(app: FastifyInstance, config: GatewayConfig): void {
  const hostOf = (request: FastifyRequest) =>
    (
      request.headers['x-forwarded-host']?.toString().split(',')[0]?.trim() ??
      request.headers.host ??
      ''
    ).toLowerCase()
  app.post(`${GATEWAY_PREFIX}/signout`, { bodyLimit: 4096 }, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    const outcome = await reply.signOut()
    if (!outcome.ok) return reply.code(outcome.httpStatus).send(outcome.body)
    const query = request.query as Record<string, unknown>
    if (request.headers.accept?.includes('application/json') || query.rd === undefined) {
      return reply.send(outcome.status ?? { state: 'expired', reason: 'logout' })
    }
    const back = safeReturnTo(query.rd, {
      host: hostOf(request),
      publicUrl: config.publicUrl,
      cookieDomain: config.cookie.domain,
    })
    return reply.redirect(back, 303)
  })
}
