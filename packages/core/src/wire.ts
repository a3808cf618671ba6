/**
 * Wire types of the Curfew HTTP protocol, shared by `@curfew/server` and `@curfew/client` so the two
 * sides cannot drift. All times are epoch milliseconds of the server's clock.
 */

/** Why a session is not active. */
export type ExpiryReason =
  | 'idle'
  | 'absolute'
  | 'revoked'
  | 'logout'
  | 'renewed'
  | 'reuse_detected'
  | 'policy_changed'
  /** OIDC back-channel logout: the identity provider ended the user's session there. */
  | 'idp_logout'
  /** The identity provider's own session is over (its refresh-token grant answered `invalid_grant`). */
  | 'idp_session_ended'
  | 'unknown'
  | 'malformed'

/** The `error` field of a 401 answer. */
export type SessionErrorCode = 'session_expired' | 'no_session' | 'reauth_required'

/** The policy as the server states it to browsers and parity checks. */
export interface PolicySummary {
  name: string
  idleTimeout: number
  absoluteTimeout: number
  warnBefore: number
  fingerprint: string
}

/** Body of `GET /session`, `POST /session/activity|refresh|logout`. */
export interface SessionStatus {
  state: 'active' | 'expired'
  reason?: ExpiryReason
  serverTime: number
  expiresAt: number
  idleExpiresAt: number
  absoluteExpiresAt: number
  expiresBy: 'idle' | 'absolute'
  subject: string
  /** Non-secret short handle of the session; changes when another user signs in. */
  session: string
  policy: PolicySummary
  /** Present on `POST /session/refresh` when the server mints access tokens. */
  accessToken?: string
}

/** Body of every 401 from the middleware and the session routes. */
export interface SessionError {
  error: SessionErrorCode
  reason: ExpiryReason | 'missing' | 'auth_too_old'
  serverTime: number
  message?: string
}

/** Body of `GET /session/policy`. */
export interface PolicyDocument {
  protocol: 'curfew/1'
  serverTime: number
  defaultPolicy: string
  policies: Array<
    PolicySummary & { touchInterval: number; renewEvery: number; renewGrace: number; source?: string }
  >
}

/** Response header with the session's deadlines, on every authenticated answer. */
export const SESSION_HEADER = 'Curfew-Session'
/** Request header marking a request passive: it must not extend the session. */
export const PASSIVE_HEADER = 'Curfew-Passive'
/** Request header the browser SDK sends on session POSTs; a cross-site form cannot set it. */
export const CLIENT_HEADER = 'Curfew-Client'
