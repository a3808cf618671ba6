import * as nodeCrypto from 'node:crypto'
import { createHash, createHmac, randomBytes } from 'node:crypto'

/** Length of the secret part of a session token: 32 random bytes in base64url without padding. */
export const TOKEN_LENGTH = 43
/** Before 0.x (the cluster layout): the secret alone. Still parsed, so such a token answers `unknown`. */
const LEGACY_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/
/** `<handle>.<secret>`: the handle says where the session lives (its subject's hash tag). */
const TOKEN_PATTERN = /^s_[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/
const HANDLE_PATTERN = /^s_[A-Za-z0-9_-]{16}$/
const HANDLE_LENGTH = 18
/** Characters of a handle, after `s_`, that name its subject's shard (see {@link subjectTag}). */
export const TAG_LENGTH = 4

/**
 * A new session token: `<handle>.<secret>`, the secret 256 bits from the operating system's CSPRNG in
 * base64url. The handle is not secret (it is the session's public name); it rides in the token so a
 * store can find the session from the token alone, in the one place all of its subject's sessions live.
 *
 * @example
 * const token = generateToken({ handle: generateHandle({ subject: 'user-42' }) }) // 's_Ab3x….q3Jx…'
 */
export function generateToken(options: { handle: string }): string {
  return `${options.handle}.${randomBytes(32).toString('base64url')}`
}

/**
 * Four base64url characters of SHA-256(subject): the hash tag under which a store keeps all of one
 * subject's sessions (on Redis Cluster, one slot; the tags spread subjects over all 16,384 slots). Not
 * secret, and 24 bits say next to nothing about the subject.
 *
 * @example
 * subjectTag('user-42') // 'x9Qe'
 */
export function subjectTag(subject: string): string {
  return digest(subject).slice(0, TAG_LENGTH)
}

/**
 * A non-secret short handle (`s_` + 16 base64url characters) that names a session in logs, admin
 * screens and `SessionStatus.session`. Knowing it grants nothing. Its first four characters are the
 * subject's tag ({@link subjectTag}), the other twelve (72 bits) random.
 */
export function generateHandle(options: { subject: string }): string {
  return `s_${subjectTag(options.subject)}${randomBytes(9).toString('base64url')}`
}

/** The handle a (current-format) token or token id starts with; `undefined` for anything else. */
export function handleOf(tokenOrId: string): string | undefined {
  return tokenOrId.charCodeAt(HANDLE_LENGTH) === 46 /* . */ && tokenOrId.startsWith('s_')
    ? tokenOrId.slice(0, HANDLE_LENGTH)
    : undefined
}

/** A random nonce for token renewal, stored with the retired token id. */
export function generateNonce(): string {
  return randomBytes(16).toString('base64url')
}

/**
 * The store key of a token (its id): `<handle>.<SHA-256 of the token>`, base64url. A dump of the store
 * therefore holds nothing a client could present; the handle tells the store where the session lives.
 * A legacy token (no handle) hashes to the bare digest, which no store knows.
 */
export function hashToken(token: string): string {
  const handle = handleOf(token)
  return handle === undefined ? digest(token) : `${handle}.${digest(token)}`
}

function digest(text: string): string {
  // One-shot `crypto.hash` (Node ≥ 20.12) skips building a Hash object: this runs on every request.
  return oneShot
    ? oneShot('sha256', text, 'base64url')
    : createHash('sha256').update(text).digest('base64url')
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
  const secret = createHmac('sha256', options.token)
    .update(`curfew/renew/1:${options.nonce}`)
    .digest('base64url')
  const handle = handleOf(options.token)
  return handle === undefined ? secret : `${handle}.${secret}`
}

/**
 * True for a string shaped like a session token (checked before any store access): `<handle>.<secret>`,
 * or the bare secret of tokens issued before the handle was part of them (those answer `unknown`).
 */
export function isWellFormedToken(value: unknown): value is string {
  if (typeof value !== 'string') return false
  if (value.length === TOKEN_LENGTH) return LEGACY_TOKEN_PATTERN.test(value)
  return value.length === HANDLE_LENGTH + 1 + TOKEN_LENGTH && TOKEN_PATTERN.test(value)
}

/** True for a string shaped like a session handle. */
export function isWellFormedHandle(value: unknown): value is string {
  return typeof value === 'string' && value.length === HANDLE_LENGTH && HANDLE_PATTERN.test(value)
}
