import type { SessionStatus } from '@curfew/core'
import type { GatewayConfig } from '../config/schema'

const BASE_NAME = 'curfew_session'
const LOOPBACK_RE = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i

/**
 * The session cookie for a token the OIDC callback minted, with the same name and attributes the
 * session routes use (`@curfew/server`'s cookie rules: `__Host-` on HTTPS without a domain, `Secure`
 * outside loopback, `Max-Age` never past the absolute deadline).
 */
export function sessionCookieFor(options: {
  config: GatewayConfig['cookie']
  host: string
  token: string | null
  status?: Pick<SessionStatus, 'absoluteExpiresAt' | 'serverTime'>
}): string {
  const { config, host } = options
  const sameSite = config.sameSite ?? 'lax'
  const secureSetting = config.secure ?? 'auto'
  const secure = sameSite === 'none' || (secureSetting === 'auto' ? !LOOPBACK_RE.test(host) : secureSetting)
  const name =
    config.name ??
    (secure ? `${config.domain === undefined ? '__Host-' : '__Secure-'}${BASE_NAME}` : BASE_NAME)
  const maxAge =
    options.token === null || !options.status
      ? 0
      : Math.max(0, Math.floor((options.status.absoluteExpiresAt - options.status.serverTime) / 1000))
  const parts = [
    `${name}=${options.token ?? ''}`,
    `Max-Age=${maxAge}`,
    `Expires=${new Date(options.token === null ? 0 : Date.now() + maxAge * 1000).toUTCString()}`,
    'Path=/',
    'HttpOnly',
    `SameSite=${sameSite[0]!.toUpperCase()}${sameSite.slice(1)}`,
  ]
  if (secure) parts.push('Secure')
  if (config.domain !== undefined) parts.push(`Domain=${config.domain}`)
  return parts.join('; ')
}

/** Reads the session token from a `Cookie` header (any of the names the gateway may have set). */
export function sessionTokenFrom(
  header: string | undefined,
  config: GatewayConfig['cookie'],
): string | undefined {
  if (!header) return undefined
  const names = config.name ? [config.name] : [BASE_NAME, `__Host-${BASE_NAME}`, `__Secure-${BASE_NAME}`]
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && names.includes(part.slice(0, eq).trim())) return part.slice(eq + 1).trim() || undefined
  }
  return undefined
}
