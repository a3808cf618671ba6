import { CurfewError } from '@curfew/core'

/** Session cookie settings. The defaults are the safe ones; change them only with a reason. */
export interface CookieOptions {
  /**
   * Cookie name. Default `curfew_session`, sent as `__Host-curfew_session` when the cookie is `Secure`
   * and has no `domain` (the prefix stops subdomains from planting or overwriting it).
   */
  name?: string
  /**
   * `'auto'` (default): `Secure` unless the request addresses a loopback host (`localhost`, `127.0.0.1`,
   * `[::1]`), so local development over plain HTTP works. `true`/`false` force it.
   */
  secure?: boolean | 'auto'
  /** Default `'lax'`. `'none'` forces `Secure`. */
  sameSite?: 'lax' | 'strict' | 'none'
  /** Share the cookie with subdomains. Turns off the `__Host-` prefix. Rarely what you want. */
  domain?: string
}

/** Options shared by every adapter's middleware, session routes, `signIn` and `signOut`. */
export interface CurfewHttpOptions {
  cookie?: CookieOptions
  /**
   * Origins (`https://app.example.com`) allowed to POST to the session routes besides the server's own
   * origin. Needed when the browser app runs on another site than the API.
   */
  allowedOrigins?: readonly string[]
  /** Largest body accepted on the session POST routes (they need none). Default 4096 bytes. */
  bodyLimit?: number
  /** `realm` of `WWW-Authenticate` challenges. Default `'curfew'`. */
  realm?: string
}

/** Options with every default applied and checked once, at setup. */
export interface ResolvedHttpOptions {
  cookie: {
    name: string | undefined
    secure: boolean | 'auto'
    sameSite: 'lax' | 'strict' | 'none'
    domain: string | undefined
  }
  allowedOrigins: ReadonlySet<string>
  bodyLimit: number
  realm: string
}

const DEFAULT_BODY_LIMIT = 4096
// A cookie name is an RFC 6265 token; a domain is a plain host name.
const TOKEN_RE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/
const DOMAIN_RE = /^\.?[A-Za-z0-9.-]{1,253}$/
const REALM_RE = /^[\x20-\x7e]{1,128}$/

function invalid(message: string): never {
  throw new CurfewError({ code: 'invalid_option', message })
}

function normaliseOrigin(origin: string): string {
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    invalid(`allowedOrigins: "${origin.slice(0, 80)}" is not an origin such as "https://app.example.com".`)
  }
  if (url.origin === 'null') invalid(`allowedOrigins: "${origin.slice(0, 80)}" has no origin.`)
  return url.origin
}

/**
 * Applies defaults and rejects nonsense at setup (`CurfewError` code `invalid_option`), so a typo fails
 * at boot rather than weakening a cookie in production.
 */
export function resolveHttpOptions(options: CurfewHttpOptions = {}): ResolvedHttpOptions {
  const cookie = options.cookie ?? {}
  if (cookie.name !== undefined && !TOKEN_RE.test(cookie.name)) {
    invalid('cookie.name must be a cookie token (letters, digits, "_", "-", ...).')
  }
  if (cookie.domain !== undefined && !DOMAIN_RE.test(cookie.domain)) {
    invalid('cookie.domain must be a host name such as "example.com".')
  }
  const sameSite = cookie.sameSite ?? 'lax'
  if (!['lax', 'strict', 'none'].includes(sameSite))
    invalid("cookie.sameSite must be 'lax', 'strict' or 'none'.")
  const secure = cookie.secure ?? 'auto'
  if (secure !== true && secure !== false && secure !== 'auto')
    invalid("cookie.secure must be true, false or 'auto'.")
  if (sameSite === 'none' && secure === false) {
    invalid("cookie.sameSite 'none' needs a Secure cookie: browsers refuse it otherwise.")
  }
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT
  if (!Number.isSafeInteger(bodyLimit) || bodyLimit < 0) invalid('bodyLimit must be a whole number of bytes.')
  const realm = options.realm ?? 'curfew'
  if (!REALM_RE.test(realm) || realm.includes('"') || realm.includes('\\')) {
    invalid('realm must be printable ASCII without quotes or backslashes.')
  }
  return {
    cookie: { name: cookie.name, secure, sameSite, domain: cookie.domain },
    allowedOrigins: new Set((options.allowedOrigins ?? []).map(normaliseOrigin)),
    bodyLimit,
    realm,
  }
}
