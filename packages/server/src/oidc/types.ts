import type { SessionStatus } from '@curfew/core'
import type { SessionInfo } from '../types'

/** A complete answer for an adapter to write: status, headers in order, and a JSON body when present. */
export interface OidcReply {
  status: number
  headers: Array<[name: string, value: string]>
  body?: unknown
}

/** Why a callback was refused. Stable: switch on it. */
export type OidcCallbackFailureReason =
  /** No transaction cookie, or one we did not seal, or one past its ten minutes. */
  | 'transaction_missing'
  | 'state_mismatch'
  /** This `state` was used before: a replayed callback. */
  | 'state_replayed'
  /** The IdP answered with an error (`login_required`, `access_denied`, ...). */
  | 'idp_error'
  /** The code exchange at the token endpoint failed. */
  | 'token_exchange_failed'
  | 'nonce_mismatch'
  /** The ID token failed verification (signature, issuer, audience, expiry). */
  | 'id_token_invalid'
  /** The ID token has no `auth_time`, so the absolute deadline would have no anchor. */
  | 'auth_time_missing'
  /** The authentication is older than the `max_age` asked for (or than the absolute timeout). */
  | 'reauth_required'
  /** A step-up signed in as another user than the session's. */
  | 'subject_mismatch'
  /** A step-up found no live session to raise. */
  | 'no_session'
  /** The session store failed. */
  | 'store_unavailable'

/** Outcome of `relyingParty.callback`. On success the adapter sets the session cookie for `token`. */
export type OidcCallbackResult =
  | {
      ok: true
      token: string
      session: SessionInfo
      status: SessionStatus
      /** Same-origin path to send the browser to. */
      returnTo: string
      /** True when this callback completed a step-up and replaced the previous session. */
      stepUp: boolean
      /** Headers to add to the redirect (clears the transaction cookie). */
      headers: Array<[string, string]>
    }
  | { ok: false; reason: OidcCallbackFailureReason; reply: OidcReply }

/** Outcome of the IdP liveness check. */
export type IdpSessionCheck = { alive: true } | { alive: false; reason: 'idp_session_ended' }
