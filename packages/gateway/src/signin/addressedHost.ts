import type { FastifyRequest } from 'fastify'

/**
 * The host the browser addressed, lower-cased: the first `X-Forwarded-Host` (the gateway runs behind
 * nginx or Caddy, which set it) or `Host`. The sign-in routes use it for return targets and origin checks.
 */
export function addressedHost(request: FastifyRequest): string {
  return (
    request.headers['x-forwarded-host']?.toString().split(',')[0]?.trim() ??
    request.headers.host ??
    ''
  ).toLowerCase()
}
