import { errors } from 'jose'

/** Why an access token was refused. Stable: switch on it. */
export type AccessTokenFailureReason =
  | 'malformed'
  | 'alg_not_allowed'
  | 'signature_invalid'
  | 'expired'
  | 'not_yet_valid'
  | 'issuer_mismatch'
  | 'audience_mismatch'
  | 'claim_missing'
  | 'key_not_found'
  | 'jwks_unavailable'

/** Why an ID token was refused: the access-token reasons plus the OIDC-specific ones. */
export type IdTokenFailureReason = AccessTokenFailureReason | 'auth_too_old' | 'nonce_mismatch'

/** Why a Back-Channel Logout Token was refused: the access-token reasons plus the logout-specific ones. */
export type LogoutTokenFailureReason =
  | AccessTokenFailureReason
  | 'typ_mismatch'
  | 'events_invalid'
  | 'nonce_present'
  | 'replayed'

/** A refusal: the reason to switch on and a short message for logs (never contains the token). */
export interface TokenFailure<R extends string = AccessTokenFailureReason> {
  ok: false
  reason: R
  message: string
}

export function failure<R extends string>(reason: R, message: string): TokenFailure<R> {
  return { ok: false, reason, message }
}

const CLAIM_REASONS: Record<string, AccessTokenFailureReason> = {
  nbf: 'not_yet_valid',
  iss: 'issuer_mismatch',
  aud: 'audience_mismatch',
}

/**
 * Maps whatever jose threw onto one typed reason. With a key set, errors that are not about the token
 * (a fetch that failed or timed out, an HTTP error status, a body that is not a key set) mean the set is
 * unavailable. Anything else unknown is `malformed`.
 */
export function reasonOf(error: unknown, options: { keySet: boolean }): TokenFailure {
  if (error instanceof errors.JWTExpired) return failure('expired', 'token expired')
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return failure('claim_missing', `"${error.claim}" claim missing`)
    const reason = error.reason === 'check_failed' ? CLAIM_REASONS[error.claim] : undefined
    return failure(reason ?? 'malformed', `"${error.claim}" claim ${error.reason.replace('_', ' ')}`)
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return failure('alg_not_allowed', 'algorithm not allowed')
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return failure('signature_invalid', 'signature verification failed')
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return failure('key_not_found', 'no single key in the key set matches the token')
  }
  if (options.keySet && fetchFailure(error)) {
    return failure('jwks_unavailable', 'the key set could not be fetched')
  }
  return failure('malformed', 'malformed token')
}

// jose's remote key set throws JWKSTimeout, JWKSInvalid, a generic JOSEError for a non-200 answer, and
// lets fetch's own errors (TypeError, AbortError) through. Token problems always have specific classes.
function fetchFailure(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true
  if (error instanceof errors.JOSEError) return error.code === 'ERR_JOSE_GENERIC'
  return true
}
