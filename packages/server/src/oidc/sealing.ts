import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'
import { CurfewError } from '@curfew/core'

const MIN_SECRET_BYTES = 32

/** Seals and opens small values with AES-256-GCM under one key derived for one purpose. */
export interface Sealer {
  seal(plain: string): string
  /** The plain text, or `undefined` when the value was not sealed with this key (or was altered). */
  open(sealed: string): string | undefined
}

/**
 * A sealer for one purpose (`'transaction'`, `'idp-tokens'`): the key is HKDF-SHA-256 of the configured
 * secret, so the cookie key and the at-rest key differ even though the app configures one secret.
 * Output: base64url of `iv(12) | tag(16) | ciphertext`; the purpose is bound as additional data too.
 */
export function createSealer(options: { secret: string | Uint8Array; purpose: string }): Sealer {
  const secret = typeof options.secret === 'string' ? Buffer.from(options.secret) : options.secret
  if (!(secret instanceof Uint8Array) || secret.byteLength < MIN_SECRET_BYTES) {
    throw new CurfewError({
      code: 'invalid_option',
      message: `The OIDC "secret" must be at least ${MIN_SECRET_BYTES} bytes; generate one with crypto.randomBytes(32).`,
    })
  }
  const purpose = Buffer.from(`curfew-oidc:${options.purpose}`)
  const key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), purpose, 32))
  return {
    seal(plain) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(purpose)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')
    },
    open(sealed) {
      if (typeof sealed !== 'string' || sealed.length > 16_384) return undefined
      const raw = Buffer.from(sealed, 'base64url')
      if (raw.length < 29) return undefined
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12))
        decipher.setAAD(purpose)
        decipher.setAuthTag(raw.subarray(12, 28))
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8')
      } catch {
        return undefined
      }
    },
  }
}
