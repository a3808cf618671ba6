import type { SessionHeader } from '@curfew/core'
import type { HttpRequestInfo } from './types'

/**
 * A plain copy of a request view plus its absolute URL, for the OIDC routes. An adapter's view may read
 * `host`, `ip` and `path` through getters on its prototype (read only when a rule needs them), which an
 * object spread (`{ ...info, url }`) would silently drop: copy them by name instead.
 */
export function withUrl(request: HttpRequestInfo, url: string): HttpRequestInfo & { url: string } {
  const copy: HttpRequestInfo & { url: string } = {
    method: request.method,
    header: (name) => request.header(name),
    host: request.host,
    url,
  }
  const { ip, path } = request
  if (ip !== undefined) copy.ip = ip
  if (path !== undefined) copy.path = path
  return copy
}

/**
 * The `Curfew-Session` value, byte for byte what `formatSessionHeader` of @curfew/core writes, in one
 * template: this runs on every authenticated request, and the array + `join` cost twice as much. (The
 * value carries the server time, so it cannot be reused across requests.)
 */
export function sessionHeaderValue(status: SessionHeader): string {
  const value = `v=1; s=${status.state}; t=${status.serverTime}; e=${status.expiresAt}; i=${status.idleExpiresAt}; a=${status.absoluteExpiresAt}; b=${status.expiresBy}; h=${status.session}`
  return status.reason ? `${value}; r=${status.reason}` : value
}
