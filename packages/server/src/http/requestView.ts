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

// The last value built, and what it was built from (copied, not the status object: a handler may change
// its `req.curfew.status`). Requests of one session within the same millisecond share the whole value.
let lastValue = ''
let lastState: SessionHeader['state'] | undefined
let lastServerTime = Number.NaN
let lastExpiresAt = Number.NaN
let lastIdle = Number.NaN
let lastAbsolute = Number.NaN
let lastExpiresBy: SessionHeader['expiresBy'] | undefined
let lastSession: string | undefined
let lastReason: SessionHeader['reason']

/**
 * The `Curfew-Session` value, byte for byte what `formatSessionHeader` of @curfew/core writes, in one
 * template: this runs on every authenticated request, and the array + `join` cost twice as much. The
 * value carries the server time, so it is reused only while every field is unchanged (a busy session's
 * requests within one millisecond): seven number-to-string conversions cost ~0.3 µs, the comparison a
 * few nanoseconds.
 */
export function sessionHeaderValue(status: SessionHeader): string {
  if (
    status.serverTime === lastServerTime &&
    status.idleExpiresAt === lastIdle &&
    status.session === lastSession &&
    status.expiresAt === lastExpiresAt &&
    status.absoluteExpiresAt === lastAbsolute &&
    status.state === lastState &&
    status.expiresBy === lastExpiresBy &&
    status.reason === lastReason
  ) {
    return lastValue
  }
  const value = `v=1; s=${status.state}; t=${status.serverTime}; e=${status.expiresAt}; i=${status.idleExpiresAt}; a=${status.absoluteExpiresAt}; b=${status.expiresBy}; h=${status.session}`
  lastValue = status.reason ? `${value}; r=${status.reason}` : value
  lastState = status.state
  lastServerTime = status.serverTime
  lastExpiresAt = status.expiresAt
  lastIdle = status.idleExpiresAt
  lastAbsolute = status.absoluteExpiresAt
  lastExpiresBy = status.expiresBy
  lastSession = status.session
  lastReason = status.reason
  return lastValue
}
