/** The request a proxy asks about (forward auth) or forwards (reverse-proxy mode). */
export interface OriginalRequest {
  method: string
  /** Host the browser addressed (with port, if any), lower-case. */
  host: string
  /** `https` or `http`. */
  proto: 'http' | 'https'
  /** The path with dot segments resolved, no query. */
  path: string
  /** Path and query as the client sent them (for the sign-in return address). */
  uri: string
}

/** Why the original request could not be read. Always a 400: the proxy is misconfigured or the request is hostile. */
export interface OriginalRequestError {
  error: 'bad_forwarded_request'
  reason: 'missing_uri' | 'bad_uri' | 'bad_method' | 'bad_host' | 'ambiguous_path'
  message: string
}

type HeaderReader = (name: string) => string | undefined

const MAX_URI = 8192
const METHOD_RE = /^[A-Z]{1,16}$/
// A host name, IPv4 or bracketed IPv6, with an optional port.
const HOST_RE = /^(?:[a-z0-9](?:[a-z0-9-]{0,62}\.?)*|\[[0-9a-f:.]{2,45}\])(?::\d{1,5})?$/
// Encoded slash, backslash or dot: the upstream may decode them into a different path than the one
// matched here (`/public/..%2fadmin`), so such paths are refused rather than guessed at.
const AMBIGUOUS_RE = /%2f|%5c|%2e|\\/i

function first(value: string | undefined): string | undefined {
  if (value === undefined) return undefined
  const comma = value.indexOf(',')
  return (comma < 0 ? value : value.slice(0, comma)).trim() || undefined
}

function failure(reason: OriginalRequestError['reason'], message: string): OriginalRequestError {
  return { error: 'bad_forwarded_request', reason, message }
}

/** Normalises a request target into a path that cannot mean two things, or says why not. */
export function normalisePath(uri: string): { path: string } | OriginalRequestError {
  if (uri.length > MAX_URI)
    return failure('bad_uri', `The original URI is longer than ${MAX_URI} characters.`)
  if (!uri.startsWith('/') || uri.startsWith('//')) {
    return failure('bad_uri', 'The original URI must be a path such as "/app/page?x=1".')
  }
  let url: URL
  try {
    url = new URL(uri, 'http://gateway.invalid')
  } catch {
    return failure('bad_uri', 'The original URI is not a valid path.')
  }
  if (AMBIGUOUS_RE.test(url.pathname)) {
    return failure('ambiguous_path', 'The original path contains an encoded "/", "\\" or ".".')
  }
  return { path: url.pathname }
}

/**
 * Reads the original request of a forward-auth subrequest from the headers the proxy sets:
 * `X-Forwarded-Method`/`-Uri`/`-Host`/`-Proto` (Caddy, Traefik) or `X-Original-Method`/`-URI` (nginx).
 * The URI is required; the method defaults to `GET`, the host to `Host`.
 *
 * @example
 * readOriginalRequest((name) => request.headers[name])
 */
export function readOriginalRequest(header: HeaderReader): OriginalRequest | OriginalRequestError {
  const uri = header('x-forwarded-uri') ?? header('x-original-uri')
  if (uri === undefined || uri === '') {
    return failure(
      'missing_uri',
      'No X-Forwarded-Uri or X-Original-URI header: configure the proxy to send it.',
    )
  }
  const method = (header('x-forwarded-method') ?? header('x-original-method') ?? 'GET').toUpperCase()
  if (!METHOD_RE.test(method)) return failure('bad_method', 'The original method is not an HTTP method.')
  const host = (first(header('x-forwarded-host')) ?? header('host') ?? '').toLowerCase()
  if (!HOST_RE.test(host) || host.length > 300)
    return failure('bad_host', 'The original host is not a host name.')
  const proto = first(header('x-forwarded-proto'))?.toLowerCase() === 'https' ? 'https' : 'http'
  const normalised = normalisePath(uri)
  if ('error' in normalised) return normalised
  return { method, host, proto, path: normalised.path, uri }
}
