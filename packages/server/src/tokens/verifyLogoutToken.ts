import type { Duration } from '@curfew/core'
import { decodeProtectedHeader } from 'jose'
import type { ReplayStore } from '../oidc/replayStore'
import { prepareIdpVerifier } from './idpVerifier'
import type { JSONWebKeySet, JWTPayload, JWTVerifyGetKey } from './joseTypes'
import { failure, type LogoutTokenFailureReason, type TokenFailure } from './reasons'
import { toSeconds } from './time'
import { type PreparedVerifier, runJose } from './verifyAccessToken'

/** The event member that makes a JWT a Back-Channel Logout Token (spec §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'

/** The claims of a verified Logout Token. At least one of `sid` and `sub` is present. */
export interface LogoutTokenPayload extends JWTPayload {
  iss: string
  aud: string | string[]
  iat: number
  exp: number
  jti: string
  events: Record<string, unknown>
  /** The IdP session that ended. */
  sid?: string
  /** The user whose sessions ended (all of them, when `sid` is absent). */
  sub?: string
}

/** Options of {@link verifyLogoutToken}: the same shape as `verifyIdToken`'s, plus replay and age. */
export interface VerifyLogoutTokenOptions {
  /** The IdP's issuer identifier; `iss` must equal it exactly. */
  issuer: string
  /** Your client id; `aud` must contain it. */
  audience: string
  /** The IdP's JWKS URL, a local key set, or a key function (as for ID tokens). */
  jwks: string | URL | JSONWebKeySet | JWTVerifyGetKey
  /** Allow-list; default: the public-key algorithms (never `none`, never HMAC). */
  algorithms?: readonly string[]
  /** Oldest `iat` accepted (seconds or a duration). Default `'2m'`: a logout token is sent at once. */
  maxTokenAge?: number | Duration
  /**
   * Where seen `jti` values are kept until the token expires, so a replayed token is refused. Use a
   * `RedisReplayStore` when several servers receive logout tokens. Without it, replays are not detected.
   */
  replay?: ReplayStore
  /** Expected `typ` header when the token has one. Default `'logout+jwt'`; `false` skips the check. */
  typ?: string | false
  /** Seconds, or a duration such as `'30s'`; at most 5 minutes. Default 0. */
  clockTolerance?: number | Duration
  /** The verifier's clock (epoch ms), for tests. */
  now?: () => number
  /** Longest wait for the JWKS fetch (ms). Default 5000. */
  jwksTimeout?: number
}

/** Outcome of {@link verifyLogoutToken}. */
export type VerifyLogoutTokenResult =
  | { ok: true; payload: LogoutTokenPayload }
  | TokenFailure<LogoutTokenFailureReason>

const REQUIRED = ['iss', 'aud', 'iat', 'exp', 'jti', 'events']
const prepared = new WeakMap<VerifyLogoutTokenOptions, { verifier: PreparedVerifier; maxAgeMs: number }>()

function prepareLogout(options: VerifyLogoutTokenOptions) {
  let entry = prepared.get(options)
  if (entry === undefined) {
    const verifier = prepareIdpVerifier(options, REQUIRED)
    entry = { verifier, maxAgeMs: toSeconds(options.maxTokenAge ?? '2m', 'maxTokenAge') * 1000 }
    prepared.set(options, entry)
  }
  return entry
}

function typOf(jwt: string): unknown {
  try {
    return decodeProtectedHeader(jwt).typ
  } catch {
    return undefined
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function typMatches(typ: unknown, expected: string): boolean {
  if (typeof typ !== 'string') return false
  const normal = typ.toLowerCase().replace(/^application\//, '')
  return normal === expected.toLowerCase().replace(/^application\//, '')
}

/**
 * Verifies an OpenID Connect Back-Channel Logout Token exactly as the spec's §2.6 says: signature from
 * the issuer's JWKS with the ID-token algorithm allow-list (never `none`, never HMAC unless configured),
 * exact `iss`, `aud` containing your client id, `iat` no older than `maxTokenAge` and not in the future,
 * `exp`, `typ` `logout+jwt` when present, `events` holding the back-channel-logout member whose value is
 * a JSON object, `sid` and/or `sub`, no `nonce` (so an ID token is never taken for a logout token), and
 * a `jti` not seen before (with `replay`). The replay check runs last, so a token refused for any other
 * reason never burns its `jti`. Never throws for any token; throws `invalid_option` on misconfiguration.
 *
 * @example
 * const replay = new RedisReplayStore({ client: redis })
 * const result = await verifyLogoutToken(body.logout_token, { issuer, audience: clientId, jwks, replay })
 * if (!result.ok) return res.status(400).json({ error: 'invalid_request', error_description: result.message })
 * // result.payload.sid / result.payload.sub name the IdP session / user whose sessions end
 */
export async function verifyLogoutToken(
  jwt: unknown,
  options: VerifyLogoutTokenOptions,
): Promise<VerifyLogoutTokenResult> {
  const { verifier, maxAgeMs } = prepareLogout(options)
  const result = await runJose(verifier, jwt)
  if (!result.ok) return result
  const payload = result.payload
  const expected = options.typ ?? 'logout+jwt'
  if (expected !== false) {
    const typ = typOf(jwt as string)
    if (typ !== undefined && !typMatches(typ, expected)) {
      return failure('typ_mismatch', `"typ" header must be ${expected}`)
    }
  }
  if (!isObject(payload.events) || !isObject(payload.events[BACKCHANNEL_LOGOUT_EVENT])) {
    return failure('events_invalid', `"events" must hold ${BACKCHANNEL_LOGOUT_EVENT} with an object value`)
  }
  if ('nonce' in payload) return failure('nonce_present', 'a logout token must not contain "nonce"')
  const sid = payload.sid
  const sub = payload.sub
  if (sid === undefined && sub === undefined)
    return failure('claim_missing', 'neither "sid" nor "sub" present')
  if ((sid !== undefined && typeof sid !== 'string') || (sub !== undefined && typeof sub !== 'string')) {
    return failure('malformed', '"sid" and "sub" must be strings')
  }
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || typeof payload.iat !== 'number') {
    return failure('malformed', '"jti" and "iat" must be a string and a number')
  }
  const tolerance = (verifier.joseOptions.clockTolerance as number) * 1000
  const now = verifier.now?.() ?? Date.now()
  const issuedAt = payload.iat * 1000
  if (issuedAt > now + tolerance) return failure('not_yet_valid', '"iat" is in the future')
  if (issuedAt + maxAgeMs < now - tolerance) return failure('expired', '"iat" is older than maxTokenAge')
  if (options.replay !== undefined) {
    const exp = typeof payload.exp === 'number' ? payload.exp * 1000 : now
    const ttl = Math.max(exp - now, issuedAt + maxAgeMs - now, 0) + tolerance + 1000
    if (!(await options.replay.claim(`logout\n${payload.iss}\n${payload.jti}`, ttl))) {
      return failure('replayed', '"jti" was seen before')
    }
  }
  return { ok: true, payload: payload as LogoutTokenPayload }
}
