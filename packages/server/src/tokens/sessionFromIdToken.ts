import { CurfewError } from '@curfew/core'
import type { CreatedSession, RequestMeta, SessionManager } from '../types'
import type { IdTokenPayload } from './verifyIdToken'

/** Options of {@link sessionFromIdToken}. */
export interface SessionFromIdTokenOptions {
  /** Policy tier; default: the manager's default. */
  policy?: string
  /** Small JSON application data kept with the session. */
  data?: Record<string, unknown>
  /**
   * A cap of the session (epoch ms), e.g. the end of the IdP's session: it never lives past it. See
   * `CreateSessionInput.notAfter`.
   */
  notAfter?: number
  meta?: RequestMeta
}

/**
 * Starts a session for a verified ID token, its absolute deadline anchored at the IdP's `auth_time` —
 * so signing in to the app through an old IdP session does not grant a fresh absolute lifetime.
 * Equivalent to `manager.create({ subject: payload.sub, authTime: payload.auth_time * 1000 })`.
 *
 * `auth_time` is required: `iat` says when the token was minted, not when the user authenticated, and
 * anchoring there would let every silent SSO re-login move the absolute deadline. Ask the IdP for it
 * (send `max_age`, or register `require_auth_time`). Throws `CurfewError` with code
 * `auth_time_missing` when it is absent, and `auth_too_old` when the authentication is already older
 * than the policy's absolute timeout (redirect to the IdP with `prompt=login` then).
 *
 * @example
 * const verified = await verifyIdToken(idToken, { issuer, audience: clientId, jwks, maxAge: '12h' })
 * if (verified.ok) {
 *   const { token, status } = await sessionFromIdToken(manager, verified.payload, { policy: 'default' })
 * }
 */
export async function sessionFromIdToken(
  manager: SessionManager,
  payload: Pick<IdTokenPayload, 'sub' | 'auth_time'> & { iat?: number },
  options: SessionFromIdTokenOptions = {},
): Promise<CreatedSession> {
  const seconds = payload.auth_time
  if (typeof payload.sub !== 'string') {
    throw new CurfewError({
      code: 'invalid_option',
      message: 'sessionFromIdToken needs a verified ID token payload with "sub".',
    })
  }
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
    throw new CurfewError({
      code: 'auth_time_missing',
      message:
        'The ID token has no "auth_time": send max_age in the authorization request (or register require_auth_time) so the absolute deadline counts from the real sign-in.',
    })
  }
  const policy = options.policy === undefined ? manager.defaultPolicy : manager.policies.get(options.policy)
  if (policy !== undefined && manager.now() >= seconds * 1000 + policy.absoluteTimeout) {
    throw new CurfewError({
      code: 'auth_too_old',
      message:
        "The IdP authentication is older than the policy's absoluteTimeout; send the user to the IdP with prompt=login.",
    })
  }
  return manager.create({
    subject: payload.sub,
    authTime: seconds * 1000,
    ...(options.policy === undefined ? {} : { policy: options.policy }),
    ...(options.data === undefined ? {} : { data: options.data }),
    ...(options.notAfter === undefined ? {} : { notAfter: options.notAfter }),
    ...(options.meta === undefined ? {} : { meta: options.meta }),
  })
}
