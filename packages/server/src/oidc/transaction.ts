import type { Sealer } from './sealing'

/** What the relying party keeps across the redirect to the IdP (sealed in a short-lived cookie). */
export interface SignInTransaction {
  state: string
  nonce: string
  verifier: string
  /** The `max_age` sent (seconds): the ID token's `auth_time` must meet it. */
  maxAge: number
  /** Path to return to after the callback. */
  returnTo: string
  /** Set for a step-up: the callback must find the same user's live session and replace it. */
  stepUp: boolean
  /** Epoch ms after which the transaction is void. */
  expiresAt: number
}

export const TRANSACTION_TTL_MS = 10 * 60_000

export function sealTransaction(sealer: Sealer, transaction: SignInTransaction): string {
  return sealer.seal(JSON.stringify(transaction))
}

/** The transaction in a cookie value, or `undefined` if it was not sealed by us, altered, or expired. */
export function openTransaction(
  sealer: Sealer,
  value: string | undefined,
  now: number,
): SignInTransaction | undefined {
  if (value === undefined) return undefined
  const plain = sealer.open(value)
  if (plain === undefined) return undefined
  try {
    const parsed = JSON.parse(plain) as SignInTransaction
    if (typeof parsed.state !== 'string' || typeof parsed.expiresAt !== 'number') return undefined
    return parsed.expiresAt > now ? parsed : undefined
  } catch {
    return undefined
  }
}

/** Only same-origin paths: an open redirect through the callback would hand the session to anyone. */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2048) return '/'
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/'
  return value
}

/** A `Set-Cookie` value for the transaction cookie (or its removal when `value` is null). */
export function transactionCookie(input: { name: string; value: string | null; secure: boolean }): string {
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Lax']
  if (input.secure) attributes.push('Secure')
  if (input.value === null) return [`${input.name}=`, 'Max-Age=0', ...attributes].join('; ')
  return [`${input.name}=${input.value}`, `Max-Age=${TRANSACTION_TTL_MS / 1000}`, ...attributes].join('; ')
}

/** Reads one cookie from a `Cookie` header without trusting its size. */
export function readCookieValue(header: string | undefined, name: string): string | undefined {
  if (typeof header !== 'string' || header.length > 16_384) return undefined
  for (const part of header.split(';')) {
    const index = part.indexOf('=')
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim()
  }
  return undefined
}
