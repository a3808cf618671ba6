import { cookieSettings, readCookie } from './cookie'
import type { ResolvedHttpOptions } from './options'
import type { CredentialSource, HttpRequestInfo } from './types'

/** The token a request presents, and how. */
export type Credentials = { source: CredentialSource; token: string } | { source: null; token: undefined }

// RFC 6750 §2.1: `Bearer` then a token68. Case-insensitive scheme.
const BEARER_RE = /^bearer[ \t]+(\S*)[ \t]*$/i
const MAX_HEADER_TOKEN = 513

/**
 * Reads the session token: `Authorization: Bearer` wins over the cookie (it is explicit). Other
 * `Authorization` schemes belong to the application and are ignored. A malformed bearer value is still
 * returned, so the manager rejects it with reason `malformed` instead of it silently falling back to a
 * cookie.
 */
export function readCredentials(request: HttpRequestInfo, options: ResolvedHttpOptions): Credentials {
  const authorization = request.header('authorization')
  if (authorization !== undefined && /^bearer(?:[ \t]|$)/i.test(authorization)) {
    const match = BEARER_RE.exec(authorization)
    // `Bearer` with nothing, or with several words: keep something that can never be a valid token.
    const token = match?.[1] ? match[1].slice(0, MAX_HEADER_TOKEN) : '!'
    return { source: 'bearer', token }
  }
  const token = readCookie(request.header('cookie'), cookieSettings(options, request).name)
  return token === undefined ? { source: null, token: undefined } : { source: 'cookie', token }
}
