import type { SessionStatus } from '@curfew/core'
import { isLoopbackHost } from './loopback'
import type { ResolvedHttpOptions } from './options'
import type { HttpRequestInfo } from './types'

const BASE_NAME = 'curfew_session'
// Real tokens are 43 base64url characters; anything far longer is garbage.
const MAX_TOKEN_LENGTH = 512

/** The cookie as it applies to one request (`secure: 'auto'` depends on the host addressed). */
export interface CookieSettings {
  name: string
  secure: boolean
  sameSite: 'lax' | 'strict' | 'none'
  domain: string | undefined
}

// The two settings one set of resolved options can give (Secure or not), built once each: this runs
// on every request. Keyed by the resolved cookie options, which live as long as their adapter.
const settingsCache = new WeakMap<
  ResolvedHttpOptions['cookie'],
  [plain?: CookieSettings, secure?: CookieSettings]
>()

/** Resolves name and `Secure` for one request. The result is shared: do not modify it. */
export function cookieSettings(
  options: ResolvedHttpOptions,
  request: Pick<HttpRequestInfo, 'host'>,
): CookieSettings {
  const { cookie } = options
  const secure =
    cookie.sameSite === 'none' || (cookie.secure === 'auto' ? !isLoopbackHost(request.host) : cookie.secure)
  let cached = settingsCache.get(cookie)
  if (cached === undefined) {
    cached = []
    settingsCache.set(cookie, cached)
  }
  const index = secure ? 1 : 0
  const known = cached[index]
  if (known !== undefined) return known
  let name = cookie.name
  if (name === undefined) {
    // `__Host-` requires Secure, Path=/ and no Domain; `__Secure-` is the best left with a Domain.
    name = secure ? `${cookie.domain === undefined ? '__Host-' : '__Secure-'}${BASE_NAME}` : BASE_NAME
  }
  const settings: CookieSettings = Object.freeze({
    name,
    secure,
    sameSite: cookie.sameSite,
    domain: cookie.domain,
  })
  cached[index] = settings
  return settings
}

/**
 * Finds one cookie in a `Cookie` header without decoding anything: a session token is base64url, so a
 * value that needs decoding is malformed, and the manager says so. The first occurrence wins (browsers
 * send the most specific path first). Over-long values are cut just past the longest real token, so they
 * stay malformed while hostile sizes never reach the manager.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  // Walks the header in place (no array of parts, no slices but the one returned): every request does this.
  const length = header.length
  for (let start = 0; start < length; ) {
    let end = header.indexOf(';', start)
    if (end === -1) end = length
    const eq = header.indexOf('=', start)
    if (eq !== -1 && eq < end) {
      // The name, trimmed as `String.prototype.trim` does, compared in place.
      const from = skipTrimmed(header, start, eq)
      if (trimEnd(header, from, eq) - from === name.length && header.startsWith(name, from)) {
        let value = header.slice(eq + 1, end).trim()
        if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
        return value === '' ? undefined : value.slice(0, MAX_TOKEN_LENGTH + 1)
      }
    }
    start = end + 1
  }
  return undefined
}

// What `String.prototype.trim` removes: ECMAScript WhiteSpace and LineTerminator.
function isTrimmed(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  )
}

/** The first index in `[from, to)` that `trim` would keep (or `to`). */
function skipTrimmed(text: string, from: number, to: number): number {
  let i = from
  while (i < to && isTrimmed(text.charCodeAt(i))) i++
  return i
}

/** The end of `[from, to)` once `trim` removed trailing whitespace. */
function trimEnd(text: string, from: number, to: number): number {
  let i = to
  while (i > from && isTrimmed(text.charCodeAt(i - 1))) i--
  return i
}

function attributes(settings: CookieSettings): string[] {
  const parts = [
    'Path=/',
    'HttpOnly',
    `SameSite=${settings.sameSite[0]!.toUpperCase()}${settings.sameSite.slice(1)}`,
  ]
  if (settings.secure) parts.push('Secure')
  if (settings.domain !== undefined) parts.push(`Domain=${settings.domain}`)
  return parts
}

/** Options for {@link sessionCookie}. */
export interface SessionCookieInput {
  settings: CookieSettings
  token: string
  status: Pick<SessionStatus, 'absoluteExpiresAt' | 'serverTime'>
  /** Wall clock of this machine (the browser compares `Expires` with its own). Default `Date.now()`. */
  wallNow?: number
}

/**
 * The `Set-Cookie` value carrying a session token. It lives until the absolute deadline and never
 * beyond: the idle deadline moves with activity, the absolute one never does. `Max-Age` is rounded
 * down, and `Expires` is the same instant on this machine's wall clock, since the manager's clock (Redis
 * time, or a test clock) is not what the browser compares `Expires` with.
 */
export function sessionCookie(input: SessionCookieInput): string {
  const remaining = Math.max(0, input.status.absoluteExpiresAt - input.status.serverTime)
  const maxAge = Math.floor(remaining / 1000)
  const expires = new Date((input.wallNow ?? Date.now()) + maxAge * 1000).toUTCString()
  return [
    `${input.settings.name}=${input.token}`,
    `Max-Age=${maxAge}`,
    `Expires=${expires}`,
    ...attributes(input.settings),
  ].join('; ')
}

/** The `Set-Cookie` value that deletes the session cookie (logout, expiry). */
export function clearedCookie(settings: CookieSettings): string {
  return [
    `${settings.name}=`,
    'Max-Age=0',
    'Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ...attributes(settings),
  ].join('; ')
}
