import { createPublicKey } from 'node:crypto'
import { CurfewError } from '@curfew/core'
import type { CryptoKey, JWK, KeyObject } from './joseTypes'

const PRIVATE_JWK_FIELDS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'key_ops', 'ext'])

/**
 * The public half of a signing key, so a manager can verify its own tokens without a second key
 * option. A non-extractable CryptoKey has no readable public half: then `publicKey` must be passed.
 */
export async function publicHalf(key: CryptoKey | KeyObject | JWK): Promise<KeyObject | JWK> {
  if ('kty' in key && typeof key.kty === 'string') {
    return Object.fromEntries(Object.entries(key).filter(([name]) => !PRIVATE_JWK_FIELDS.has(name))) as JWK
  }
  if ('asymmetricKeyType' in key)
    return createPublicKey(key as Parameters<typeof createPublicKey>[0]) as KeyObject
  const cryptoKey = key as CryptoKey
  if (!cryptoKey.extractable) {
    throw new CurfewError({
      code: 'invalid_option',
      message:
        'The signing key is a non-extractable CryptoKey: pass { publicKey } (or { jwks }) to manager.verifyAccessToken.',
    })
  }
  // key_ops and ext are dropped with the private fields: the public half only verifies.
  return publicHalf((await crypto.subtle.exportKey('jwk', cryptoKey)) as JWK)
}
