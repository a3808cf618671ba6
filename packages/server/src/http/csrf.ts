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

function originAllowed(
  originHeader: string | undefined,
  host: string | undefined,
  allowedOrigins: ReadonlySet<string>,
): boolean {
  const origin = originHeader === undefined ? undefined : parseOrigin(originHeader)
  return origin !== undefined && (allowedOrigins.has(origin.origin) || sameHost(origin, host))
}

/** The headers {@link isCrossSiteFormPost} judges, read from the request by the caller. */
export interface FormPostHeaders {
  /** The `Origin` header, if any. */
  origin: string | undefined
  /** The `Sec-Fetch-Site` header, if any. */
  fetchSite: string | undefined
  /** The host the request addressed (`Host`, or `X-Forwarded-Host` from a proxy you trust). */
  host: string | undefined
  /** Other origins (`https://app.example`) whose pages may post here. */
  allowedOrigins: ReadonlySet<string>
}

/**
 * The cross-site rule for a POST that carries the session cookie and no `Curfew-Client` header (an HTML
 * form: sign-in, sign-out). Refused unless `Origin` is the addressed host's own origin or an allowed one;
 * with no `Origin`, unless the browser says `Sec-Fetch-Site: same-origin`. `Origin: null` (sandboxed
 * frames, some cross-site redirects) is refused. The session routes apply the same rule, so a service
 * that serves its own forms (such as `@curfew/gateway`) judges them exactly as Curfew does.
 */
export function isCrossSiteFormPost(post: FormPostHeaders): boolean {
  if (post.origin !== undefined) return !originAllowed(post.origin, post.host, post.allowedOrigins)
  return post.fetchSite?.toLowerCase() !== 'same-origin'
}

/**
 * Decides whether a state-changing session request may be cross-site forgery. Allowed when:
 * - the token came from `Authorization: Bearer` (no ambient credential for another site to ride), or
 * - the `Curfew-Client` header is present — a cross-site form cannot set headers, and a cross-site
 *   script needs a CORS preflight — unless the browser itself says `Sec-Fetch-Site: cross-site` for an
 *   origin not in `allowedOrigins` (guards apps whose CORS setup reflects any origin), or
 * - otherwise, by {@link isCrossSiteFormPost}.
 * Everything else is refused, including a client that sends none of these headers.
 */
export function isCrossSiteForgery(
  request: HttpRequestInfo,
  options: ResolvedHttpOptions,
  source: CredentialSource | null,
): boolean {
  if (source === 'bearer') return false
  const origin = request.header('origin')
  const fetchSite = request.header('sec-fetch-site')
  if (request.header(CLIENT) !== undefined) {
    return (
      fetchSite?.toLowerCase() === 'cross-site' &&
      !originAllowed(origin, request.host, options.allowedOrigins)
    )
  }
  return isCrossSiteFormPost({
    origin,
    fetchSite,
    host: request.host,
    allowedOrigins: options.allowedOrigins,
  })
}
