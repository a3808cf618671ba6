import { CurfewError, parseDuration } from '@curfew/core'
import { importJWK, type JWSAlgorithm, SignJWT } from 'jose'
import type { TokenOptions } from '../manager/options'
import type { ResolvedPolicy, SessionInfo } from '../types'
import { algorithmOfKey, HMAC_ALGORITHMS, signingAlgorithm } from './algorithms'
import type { CryptoKey, JWK, KeyObject } from './joseTypes'
import { hmacKey, secretBytes } from './keys'
import { ACCESS_TOKEN_TYPE } from './verifyAccessToken'

const DEFAULT_TTL = 5 * 60_000

function invalid(message: string): never {
  throw new CurfewError({ code: 'invalid_option', message })
}

/** Signs access tokens for one manager. Built (and validated) once, when the manager is created. */
export interface AccessTokenSigner {
  sign(input: {
    session: SessionInfo
    policy: ResolvedPolicy
    now: number
    expiresAt: number
  }): Promise<string>
}

/**
 * Validates the `tokens` option eagerly (a bad key fails at start-up, not at the first request) and
 * imports the signing key once, on first use.
 */
export function createAccessTokenSigner(options: TokenOptions): AccessTokenSigner {
  if (typeof options !== 'object' || options === null) invalid('"tokens" must be an object.')
  const ttl = parseDuration(options.accessTokenTtl ?? DEFAULT_TTL)
  if (ttl < 1000) invalid('"tokens.accessTokenTtl" must be at least one second.')
  if ((options.secret === undefined) === (options.privateKey === undefined)) {
    invalid('"tokens" needs exactly one of "secret" (HS256) or "privateKey".')
  }
  let alg: JWSAlgorithm
  let load: () => Promise<CryptoKey | KeyObject | Uint8Array>
  if (options.secret !== undefined) {
    const secret = options.secret
    secretBytes(secret, 'tokens.secret')
    alg = options.algorithm ?? 'HS256'
    if (!(HMAC_ALGORITHMS as readonly string[]).includes(alg)) {
      invalid(`"tokens.algorithm" ${alg} needs a "privateKey", not a secret.`)
    }
    load = () => hmacKey({ secret, alg, usage: 'sign' })
  } else {
    const key = options.privateKey as CryptoKey | KeyObject | JWK
    if (typeof key !== 'object' || key === null) invalid('"tokens.privateKey" must be a key or a JWK.')
    alg = signingAlgorithm(options.algorithm ?? algorithmOfKey(key))
    const isJwk = 'kty' in key && typeof key.kty === 'string'
    if (isJwk ? typeof (key as JWK).d !== 'string' : (key as { type?: unknown }).type !== 'private') {
      invalid('"tokens.privateKey" must be a private key.')
    }
    load = () =>
      isJwk ? (importJWK(key as JWK, alg) as Promise<CryptoKey>) : Promise.resolve(key as CryptoKey)
  }
  if (options.kid !== undefined && (typeof options.kid !== 'string' || options.kid.length === 0)) {
    invalid('"tokens.kid" must be a non-empty string.')
  }
  let keyPromise: Promise<CryptoKey | KeyObject | Uint8Array> | undefined
  const header = { alg, typ: ACCESS_TOKEN_TYPE, ...(options.kid === undefined ? {} : { kid: options.kid }) }

  return {
    async sign({ session, policy, now, expiresAt }) {
      keyPromise ??= load()
      const key = await keyPromise
      const iat = Math.floor(now / 1000)
      // Rounded down, so the token dies at or before the session, never after.
      const exp = Math.floor(Math.min(now + ttl, expiresAt) / 1000)
      if (exp <= iat) {
        throw new CurfewError({
          code: 'session_expired',
          message: 'The session ends within a second; no access token was issued.',
        })
      }
      const jwt = new SignJWT({
        sid: session.handle,
        auth_time: Math.floor(session.authTime / 1000),
        curfew_pf: policy.fingerprint,
        curfew_policy: policy.name,
      })
        .setProtectedHeader(header)
        .setSubject(session.subject)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
      if (options.issuer !== undefined) jwt.setIssuer(options.issuer)
      if (options.audience !== undefined) jwt.setAudience(options.audience)
      return jwt.sign(key)
    },
  }
}
