import type { Duration } from '@curfew/core'
import { prepareIdpVerifier } from './idpVerifier'
import type { JSONWebKeySet, JWTPayload, JWTVerifyGetKey } from './joseTypes'
import { failure, type IdTokenFailureReason, type TokenFailure } from './reasons'
import { toSeconds } from './time'
import { type PreparedVerifier, runJose } from './verifyAccessToken'

/** The claims OIDC Core guarantees in a verified ID token. */
export interface IdTokenPayload extends JWTPayload {
  iss: string
  sub: string
  aud: string | string[]
  exp: number
  iat: number
  /** When the user authenticated at the IdP (seconds). Present whenever `maxAge` was checked. */
  auth_time?: number
  nonce?: string
  azp?: string
}

/** Options of {@link verifyIdToken}. */
export interface VerifyIdTokenOptions {
  /** The IdP's issuer identifier; `iss` must equal it exactly. */
  issuer: string
  /** Your client id; `aud` must contain it (and `azp`, when present, must equal it). */
  audience: string
  /** The IdP's JWKS URL (from its discovery document), a local key set, or a key function. */
  jwks: string | URL | JSONWebKeySet | JWTVerifyGetKey
  /** Allow-list; default: the public-key algorithms (never `none`, never HMAC). */
  algorithms?: readonly string[]
  /**
   * The `max_age` you sent in the authorization request (seconds, or a duration such as `'15m'`):
   * `auth_time` becomes required and an older authentication is refused with `auth_too_old`.
   */
  maxAge?: number | Duration
  /** The nonce you sent; the token's `nonce` must equal it. */
  nonce?: string
  /** Seconds, or a duration such as `'30s'`; at most 5 minutes. Default 0. */
  clockTolerance?: number | Duration
  /** The verifier's clock (epoch ms), for tests. */
  now?: () => number
  /** Longest wait for the JWKS fetch (ms). Default 5000. */
  jwksTimeout?: number
}

/** Outcome of {@link verifyIdToken}. */
export type VerifyIdTokenResult = { ok: true; payload: IdTokenPayload } | TokenFailure<IdTokenFailureReason>

const BASE_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat']
const prepared = new WeakMap<
  VerifyIdTokenOptions,
  { verifier: PreparedVerifier; maxAge: number | undefined }
>()

function prepareId(options: VerifyIdTokenOptions) {
  let entry = prepared.get(options)
  if (entry === undefined) {
    const maxAge = options.maxAge === undefined ? undefined : toSeconds(options.maxAge, 'maxAge')
    const required = [...BASE_CLAIMS]
    if (maxAge !== undefined) required.push('auth_time')
    if (options.nonce !== undefined) required.push('nonce')
    const verifier = prepareIdpVerifier(options, required)
    entry = { verifier, maxAge }
    prepared.set(options, entry)
  }
  return entry
}

/**
 * Verifies an OpenID Connect ID token (OIDC Core §3.1.3.7): signature against the IdP's JWKS with a
 * public-key allow-list, exact `iss`, `aud` containing your client id (`azp` equal to it when present
 * or when there are several audiences), `exp`/`iat`, `nonce`, and — with `maxAge` — `auth_time` no
 * older than `max_age` (`auth_too_old`). Never throws for any token; throws `invalid_option` for a
 * misconfiguration. Start the session with {@link sessionFromIdToken} so its absolute deadline counts
 * from the IdP's `auth_time`.
 *
 * @example
 * const result = await verifyIdToken(idToken, { issuer: 'https://idp.example.com', audience: 'my-client', jwks: 'https://idp.example.com/jwks', maxAge: '15m', nonce })
 * if (!result.ok) return res.redirect(result.reason === 'auth_too_old' ? '/login?prompt=login' : '/login')
 * const { token } = await sessionFromIdToken(manager, result.payload)
 */
export async function verifyIdToken(
  jwt: unknown,
  options: VerifyIdTokenOptions,
): Promise<VerifyIdTokenResult> {
  const { verifier, maxAge } = prepareId(options)
  const result = await runJose(verifier, jwt)
  if (!result.ok) return result
  const payload = result.payload
  if (typeof payload.sub !== 'string' || typeof payload.iat !== 'number') {
    return failure('malformed', '"sub" or "iat" has the wrong type')
  }
  const multiple = Array.isArray(payload.aud) && payload.aud.length > 1
  if ((payload.azp !== undefined || multiple) && payload.azp !== options.audience) {
    return failure('audience_mismatch', '"azp" claim does not name this client')
  }
  if (options.nonce !== undefined && payload.nonce !== options.nonce) {
    return failure('nonce_mismatch', '"nonce" claim does not match')
  }
  if (payload.auth_time !== undefined) {
    if (typeof payload.auth_time !== 'number' || !Number.isFinite(payload.auth_time)) {
      return failure('malformed', '"auth_time" claim must be a number')
    }
    const tolerance = (verifier.joseOptions.clockTolerance as number) * 1000
    const now = verifier.now?.() ?? Date.now()
    const authTime = payload.auth_time * 1000
    if (authTime > now + tolerance) return failure('not_yet_valid', '"auth_time" is in the future')
    if (maxAge !== undefined && authTime + maxAge * 1000 < now - tolerance) {
      return failure('auth_too_old', 'authentication is older than max_age')
    }
  }
  return { ok: true, payload: payload as IdTokenPayload }
}
