import * as nodeCrypto from 'node:crypto'
import { createHash, createHmac, randomBytes } from 'node:crypto'

/** Length of a session token: 32 random bytes in base64url without padding. */
export const TOKEN_LENGTH = 43
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/
const HANDLE_PATTERN = /^s_[A-Za-z0-9_-]{16}$/

/**
 * A new session token: 256 bits from the operating system's CSPRNG, base64url.
 *
 * @example
 * const token = generateToken() // 'q3Jx…' (43 characters)
 */
export function generateToken(): string {
  return randomBytes(32).toString('base64url')
}

/**
 * A non-secret short handle (`s_` + 16 base64url characters) that names a session in logs, admin
 * screens and `SessionStatus.session`. Knowing it grants nothing.
 */
export function generateHandle(): string {
  return `s_${randomBytes(12).toString('base64url')}`
}

/** A random nonce for token renewal, stored with the retired token id. */
export function generateNonce(): string {
  return randomBytes(16).toString('base64url')
}

/**
 * The store key of a token: SHA-256 of the token, base64url. A dump of the store therefore holds
 * nothing a client could present.
 */
export function hashToken(token: string): string {
  // One-shot `crypto.hash` (Node ≥ 20.12) skips building a Hash object: this runs on every request.
  return oneShot
    ? oneShot('sha256', token, 'base64url')
    : createHash('sha256').update(token).digest('base64url')
}

type OneShotHash = (algorithm: string, data: string, encoding: 'base64url') => string
const oneShot = (nodeCrypto as { hash?: OneShotHash }).hash

/**
 * The successor of a token on renewal: HMAC-SHA256 keyed by the old token over a random nonce that
 * only the store knows. Every request that presents the old token within the grace window derives the
 * same successor (concurrent tabs agree without the store ever holding a token), while someone who
 * stole only the old token cannot compute it offline.
 */
export function deriveSuccessor(options: { token: string; nonce: string }): string {
  return createHmac('sha256', options.token).update(`curfew/renew/1:${options.nonce}`).digest('base64url')
}

/** True for a string shaped like a session token (checked before any store access). */
export function isWellFormedToken(value: unknown): value is string {
  return typeof value === 'string' && value.length === TOKEN_LENGTH && TOKEN_PATTERN.test(value)
}

/** True for a string shaped like a session handle. */
export function isWellFormedHandle(value: unknown): value is string {
  return typeof value === 'string' && value.length === 18 && HANDLE_PATTERN.test(value)
}
