import { CLIENT_HEADER } from '@curfew/core'
import type { ResolvedHttpOptions } from './options'
import type { CredentialSource, HttpRequestInfo } from './types'

const CLIENT = CLIENT_HEADER.toLowerCase()

function parseOrigin(value: string): URL | undefined {
  try {
    const url = new URL(value)
    return url.origin === 'null' ? undefined : url
  } catch {
    return undefined
  }
}

// Same host as the request addressed, read in the origin's scheme so a default port (`:443`) written
// out in `Host` still matches.
function sameHost(origin: URL, host: string | undefined): boolean {
  if (host === undefined) return false
  try {
    return new URL(`${origin.protocol}//${host}`).host === origin.host
  } catch {
    return false
  }
}

/**
 * Decides whether a state-changing session request may be cross-site forgery. Allowed when:
 * - the token came from `Authorization: Bearer` (no ambient credential for another site to ride), or
 * - the `Curfew-Client` header is present — a cross-site form cannot set headers, and a cross-site
 *   script needs a CORS preflight — unless the browser itself says `Sec-Fetch-Site: cross-site` for an
 *   origin not in `allowedOrigins` (guards apps whose CORS setup reflects any origin), or
 * - `Origin` is the server's own origin or in `allowedOrigins`, or
 * - with no `Origin`, `Sec-Fetch-Site: same-origin`.
 * Everything else is refused, including a client that sends none of these headers.
 */
export function isCrossSiteForgery(
  request: HttpRequestInfo,
  options: ResolvedHttpOptions,
  source: CredentialSource | null,
): boolean {
  if (source === 'bearer') return false
  const originHeader = request.header('origin')
  const origin = originHeader === undefined ? undefined : parseOrigin(originHeader)
  const allowedOrigin =
    origin !== undefined && (options.allowedOrigins.has(origin.origin) || sameHost(origin, request.host))
  const fetchSite = request.header('sec-fetch-site')?.toLowerCase()
  if (request.header(CLIENT) !== undefined) return fetchSite === 'cross-site' && !allowedOrigin
  if (originHeader !== undefined) return !allowedOrigin
  return fetchSite !== 'same-origin'
}
