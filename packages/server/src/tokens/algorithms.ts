import { CurfewError } from '@curfew/core'
import type { JWSAlgorithm } from 'jose'
import type { CryptoKey, JWK, KeyObject } from './joseTypes'

/** HMAC algorithms: only ever with a shared secret. */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const
/** Public-key algorithms accepted by default when the key types are not known in advance (a remote JWKS). */
export const ASYMMETRIC_ALGORITHMS = [
  'EdDSA',
  'Ed25519',
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
] as const

export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number]
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number]

const HMAC = new Set<string>(HMAC_ALGORITHMS)
const ASYMMETRIC = new Set<string>(ASYMMETRIC_ALGORITHMS)
const EC_CURVES: Record<string, AsymmetricAlgorithm> = {
  'P-256': 'ES256',
  'P-384': 'ES384',
  'P-521': 'ES512',
}
const NODE_CURVES: Record<string, AsymmetricAlgorithm> = {
  prime256v1: 'ES256',
  secp384r1: 'ES384',
  secp521r1: 'ES512',
}

function invalid(message: string): never {
  throw new CurfewError({ code: 'invalid_option', message })
}

/**
 * The allow-list for one verifier. Keys decide the family: a secret allows only HMAC, public keys only
 * public-key algorithms, so an RS public key can never be used as an HMAC secret (HS/RS confusion).
 * `none` is never allowed.
 */
export function allowList(options: {
  family: 'hmac' | 'asymmetric'
  requested?: readonly string[] | undefined
  derived: readonly string[]
}): string[] {
  const { family, requested, derived } = options
  if (requested === undefined) return [...derived]
  if (!Array.isArray(requested) || requested.length === 0) {
    invalid('"algorithms" must be a non-empty array such as ["ES256"].')
  }
  const allowed = family === 'hmac' ? HMAC : ASYMMETRIC
  for (const alg of requested) {
    if (!allowed.has(alg)) {
      invalid(
        `Algorithm ${JSON.stringify(alg)} cannot be used with ${family === 'hmac' ? 'a secret' : 'public keys'}; allowed: ${[...allowed].join(', ')}.`,
      )
    }
  }
  return [...requested]
}

/** The JWS algorithm a JWK is meant for: its `alg`, else derived from `kty`/`crv`. */
export function algorithmOfJwk(jwk: JWK): string | undefined {
  if (typeof jwk.alg === 'string') return jwk.alg
  if (jwk.kty === 'RSA') return 'RS256'
  if (jwk.kty === 'EC' && typeof jwk.crv === 'string') return EC_CURVES[jwk.crv]
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA'
  return undefined
}

function isCryptoKey(key: unknown): key is CryptoKey {
  return typeof key === 'object' && key !== null && 'algorithm' in key && 'usages' in key && 'type' in key
}

function isKeyObject(key: unknown): key is KeyObject {
  return (
    typeof key === 'object' &&
    key !== null &&
    'asymmetricKeyType' in key &&
    typeof (key as { export?: unknown }).export === 'function'
  )
}

/** The JWS algorithm of a key given as a CryptoKey, a Node KeyObject or a JWK. */
export function algorithmOfKey(key: CryptoKey | KeyObject | JWK): string | undefined {
  if (isCryptoKey(key)) {
    const algorithm = key.algorithm as { name: string; namedCurve?: string; hash?: { name: string } }
    if (algorithm.name === 'Ed25519') return 'EdDSA'
    if (algorithm.name === 'ECDSA') return EC_CURVES[algorithm.namedCurve ?? '']
    const bits = algorithm.hash?.name.replace('SHA-', '')
    if (algorithm.name === 'RSASSA-PKCS1-v1_5') return `RS${bits}`
    if (algorithm.name === 'RSA-PSS') return `PS${bits}`
    return undefined
  }
  if (isKeyObject(key)) {
    const node = key as { asymmetricKeyType?: string; asymmetricKeyDetails?: { namedCurve?: string } }
    const type = node.asymmetricKeyType
    if (type === 'ed25519') return 'EdDSA'
    if (type === 'rsa') return 'RS256'
    if (type === 'rsa-pss') return 'PS256'
    if (type === 'ec') return NODE_CURVES[node.asymmetricKeyDetails?.namedCurve ?? '']
    return undefined
  }
  return algorithmOfJwk(key)
}

/** Narrows a string to a JWS algorithm we sign with. */
export function signingAlgorithm(alg: string | undefined): JWSAlgorithm {
  if (alg === undefined || !ASYMMETRIC.has(alg)) {
    invalid(
      'Cannot tell the signing algorithm of "tokens.privateKey": pass an Ed25519, P-256 or RSA key, or set "tokens.algorithm".',
    )
  }
  return alg as JWSAlgorithm
}
