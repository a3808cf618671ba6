import type { SessionRejection } from '../types'

/** The `realm` every challenge names unless the adapter options say otherwise. */
export const DEFAULT_REALM = 'curfew'

type RejectReason = SessionRejection['reason']

const DESCRIPTIONS: Partial<Record<RejectReason, string>> = {
  malformed: 'malformed session token',
  unknown: 'unknown session',
  renewed: 'session token was renewed',
  auth_too_old: 'authentication too old',
  store_unavailable: 'session store unavailable',
}

/** A short lower-case description of why a session was refused (`session expired: idle`). */
export function describeRejection(reason: RejectReason): string {
  if (reason === 'missing') return 'no session token was sent'
  return DESCRIPTIONS[reason] ?? `session expired: ${reason}`
}

/** Quoted-string content for a challenge parameter: printable ASCII, no quotes or backslashes. */
function quoted(value: string): string {
  return `"${value.replace(/[^\x20-\x7e]|["\\]/g, '').slice(0, 200)}"`
}

/** Options for {@link challenge}. */
export interface ChallengeInput {
  reason: RejectReason
  /**
   * `realm` to name. The manager, which knows no adapter options, leaves it out (except for `missing`,
   * where a bare challenge needs one); the adapters always pass their configured realm.
   */
  realm?: string
  /** For `auth_too_old`: the largest accepted age of the sign-in, sent as RFC 9470 `max_age` (seconds). */
  maxAgeMs?: number
}

/**
 * The `WWW-Authenticate` value of a 401 — the one place it is built, for the manager's
 * `SessionRejection.wwwAuthenticate`, the adapters' replies to cookie and bearer clients alike, and the
 * recent-authentication guard:
 * - no token sent: RFC 6750 §3.1's bare `Bearer realm="…"` (no error code),
 * - sign-in too old: RFC 9470 `insufficient_user_authentication`, with `max_age` when known,
 * - anything else: `invalid_token` with a description naming the reason.
 *
 * @example
 * challenge({ reason: 'idle', realm: 'curfew' })
 * // 'Bearer realm="curfew", error="invalid_token", error_description="session expired: idle"'
 */
export function challenge(input: ChallengeInput): string {
  const { reason } = input
  if (reason === 'missing') return `Bearer realm=${quoted(input.realm ?? DEFAULT_REALM)}`
  const params = input.realm === undefined ? [] : [`realm=${quoted(input.realm)}`]
  params.push(
    `error="${reason === 'auth_too_old' ? 'insufficient_user_authentication' : 'invalid_token'}"`,
    `error_description=${quoted(describeRejection(reason))}`,
  )
  if (reason === 'auth_too_old' && input.maxAgeMs !== undefined) {
    params.push(`max_age=${Math.floor(input.maxAgeMs / 1000)}`)
  }
  return `Bearer ${params.join(', ')}`
}
