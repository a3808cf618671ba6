import { isCrossSiteFormPost } from '@curfew/server'
import type { FastifyRequest } from 'fastify'
import type { GatewayConfig } from '../config/schema'
import { addressedHost } from './addressedHost'

/**
 * The gateway's sign-in and sign-out forms are judged by `@curfew/server`'s own cross-site rule, so a
 * form here is refused exactly when the session routes would refuse it (including `Origin: null`).
 */
export function crossSiteFormPost(config: GatewayConfig): (request: FastifyRequest) => boolean {
  const allowedOrigins = new Set(config.allowedOrigins.map((origin) => new URL(origin).origin))
  return (request) =>
    isCrossSiteFormPost({
      origin: request.headers.origin,
      fetchSite: request.headers['sec-fetch-site']?.toString(),
      host: addressedHost(request),
      allowedOrigins,
    })
}
