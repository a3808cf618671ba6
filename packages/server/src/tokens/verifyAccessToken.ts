import type { Duration } from '@curfew/core'
import { type JWTVerifyOptions, jwtVerify } from 'jose'
import type { JWTPayload } from './joseTypes'
import { type ResolvedVerificationKey, resolveVerificationKey, type VerificationKeyOptions } from './keys'
import { type AccessTokenFailureReason, failure, reasonOf, type TokenFailure } from './reasons'
import { clockToleranceSeconds } from './time'

/** Far above any real token; bounds the work hostile input can cause. */
export const MAX_JWT_LENGTH = 16 * 1024

/** The `typ` header of Curfew access tokens (RFC 9068). */
export const ACCESS_TOKEN_TYPE = 'at+jwt'

/** The claims of a Curfew access token, as `issueAccessToken` mints them. */
export interface AccessTokenPayload extends JWTPayload {
  /** The session's subject. */
  sub: string
  /** The session handle (non-secret). */
  sid: string
  /** Issued at (seconds). */
  iat: number
  /** Expiry (seconds): never later than the session's deadline at issue time. */
  exp: number
  /** When the user authenticated (seconds). */
  auth_time: number
  /** Fingerprint of the policy the session ran under when the token was minted. */
  curfew_pf: string
  /** The session's policy tier name (for drift detection by the receiving service). */
  curfew_policy?: string
}

/** Options of {@link verifyAccessToken}: one key source plus the claim checks. */
export interface VerifyAccessTokenOptions extends VerificationKeyOptions {
  /** Required `iss`. */
  issuer?: string | string[]
  /** Required `aud` (any of). */
  audience?: string | string[]
  /** Seconds, or a duration such as `'30s'`; at most 5 minutes. Default 0. */
  clockTolerance?: number | Duration
  /** The verifier's clock (epoch ms), for tests. */
  now?: () => number
  /** Claims that must be present beyond the Curfew ones (`sub`, `sid`, `iat`, `exp`, `auth_time`, `curfew_pf`). */
  requiredClaims?: readonly string[]
  /** Expected `typ` header. Default `'at+jwt'`; `false` skips the check (tokens not minted by Curfew). */
  typ?: string | false
}

/** Outcome of {@link verifyAccessToken}: the verified claims, or a typed reason. */
export type VerifyAccessTokenResult =
  | { ok: true; payload: AccessTokenPayload }
  | TokenFailure<AccessTokenFailureReason>

/** A verifier with its options resolved once: the fastest way to verify many tokens. */
export type AccessTokenVerifier = (jwt: unknown) => Promise<VerifyAccessTokenResult>

const CURFEW_CLAIMS = ['sub', 'sid', 'iat', 'exp', 'auth_time', 'curfew_pf'] as const
const MALFORMED = Object.freeze(failure('malformed' as const, 'malformed token'))

/** Shared by both verifiers: the resolved key plus jose options, built once per options object. */
export interface PreparedVerifier {
  resolved: ResolvedVerificationKey
  joseOptions: JWTVerifyOptions
  now: (() => number) | undefined
}

export function prepare(
  options: VerificationKeyOptions & {
    issuer?: string | string[] | undefined
    audience?: string | string[] | undefined
    clockTolerance?: number | Duration | undefined
    now?: (() => number) | undefined
    typ?: string | false | undefined
  },
  requiredClaims: string[],
): PreparedVerifier {
  const resolved = resolveVerificationKey(options)
  const joseOptions: JWTVerifyOptions = {
    algorithms: resolved.algorithms,
    requiredClaims,
    clockTolerance: clockToleranceSeconds(options.clockTolerance),
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
    ...(options.audience === undefined ? {} : { audience: options.audience }),
    ...(options.typ ? { typ: options.typ } : {}),
  }
  return { resolved, joseOptions, now: options.now }
}

/** Runs jose with the prepared key and options. Never throws: every failure becomes a reason. */
export async function runJose(
  prepared: PreparedVerifier,
  jwt: unknown,
): Promise<{ ok: true; payload: JWTPayload } | TokenFailure> {
  if (typeof jwt !== 'string' || jwt.length === 0 || jwt.length > MAX_JWT_LENGTH) return MALFORMED
  try {
    const key = prepared.resolved.key()
    const options =
      prepared.now === undefined
        ? prepared.joseOptions
        : { ...prepared.joseOptions, currentDate: new Date(prepared.now()) }
    const { payload } = await jwtVerify(jwt, key instanceof Promise ? await key : key, options)
    return { ok: true, payload }
  } catch (error) {
    return reasonOf(error, prepared.resolved)
  }
}

function curfewClaims(payload: JWTPayload): payload is AccessTokenPayload {
  return (
    typeof payload.sub === 'string' &&
    typeof payload.sid === 'string' &&
    typeof payload.curfew_pf === 'string' &&
    typeof payload.auth_time === 'number' &&
    Number.isFinite(payload.auth_time) &&
    typeof payload.iat === 'number'
  )
}

/**
 * Resolves the options once and returns a verifier function. Throws `CurfewError('invalid_option')`
 * for a misconfiguration (no key, a short secret, `none` or a cross-family algorithm in the allow-list,
 * a tolerance over 5 minutes); the returned function never throws for any token.
 *
 * @example
 * const verify = createAccessTokenVerifier({ jwks: 'https://auth.example.com/.well-known/jwks.json', issuer: 'https://auth.example.com', audience: 'api' })
 * const result = await verify(bearer)
 * if (!result.ok) return res.status(401).json({ error: 'invalid_token', reason: result.reason })
 */
export function createAccessTokenVerifier(options: VerifyAccessTokenOptions): AccessTokenVerifier {
  const prepared = prepare({ ...options, typ: options.typ ?? ACCESS_TOKEN_TYPE }, [
    ...new Set([...CURFEW_CLAIMS, ...(options.requiredClaims ?? [])]),
  ])
  return async (jwt) => {
    const result = await runJose(prepared, jwt)
    if (!result.ok) return result
    if (!curfewClaims(result.payload)) return failure('malformed', 'Curfew claims have the wrong types')
    return { ok: true, payload: result.payload }
  }
}

const verifiers = new WeakMap<VerifyAccessTokenOptions, AccessTokenVerifier>()

/**
 * Verifies a Curfew access token statelessly (for services other than the one holding the session):
 * signature with an algorithm allow-list derived from the key (never `none`; a secret allows only
 * HMAC and public keys only public-key algorithms, so HS/RS confusion fails), `exp`/`nbf` with a
 * bounded clock tolerance, `iss`/`aud` when given, and the Curfew claims. Keys are imported once and
 * cached; pass the same options object (or use {@link createAccessTokenVerifier}) for the fastest path.
 *
 * @example
 * const result = await verifyAccessToken(jwt, { secret: process.env.CURFEW_JWT_SECRET!, issuer: 'https://app.example.com', audience: 'api' })
 * if (result.ok) console.log(result.payload.sub, result.payload.sid)
 * else console.warn('refused:', result.reason) // 'expired' | 'signature_invalid' | ...
 */
export function verifyAccessToken(
  jwt: unknown,
  options: VerifyAccessTokenOptions,
): Promise<VerifyAccessTokenResult> {
  let verify = verifiers.get(options)
  if (verify === undefined) {
    verify = createAccessTokenVerifier(options)
    verifiers.set(options, verify)
  }
  return verify(jwt)
}
