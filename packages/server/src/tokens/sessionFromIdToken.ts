import { CurfewError } from '@curfew/core'
import type { CreatedSession, RequestMeta, SessionManager } from '../types'
import type { IdTokenPayload } from './verifyIdToken'

/** Options of {@link sessionFromIdToken}. */
export interface SessionFromIdTokenOptions {
  /** Policy tier; default: the manager's default. */
  policy?: string
  /** Small JSON application data kept with the session. */
  data?: Record<string, unknown>
  meta?: RequestMeta
}

/**
 * Starts a session for a verified ID token, its absolute deadline anchored at the IdP's `auth_time`
 * (falling back to `iat`, which is never earlier than the authentication) — so signing in to the app
 * through an old IdP session does not grant a fresh absolute lifetime. Equivalent to
 * `manager.create({ subject: payload.sub, authTime: payload.auth_time * 1000 })`. Throws `invalid_option`
 * when that authentication is already older than the policy's absolute timeout: redirect to the IdP
 * with `prompt=login` (or `max_age`) then.
 *
 * @example
 * const verified = await verifyIdToken(idToken, { issuer, audience: clientId, jwks, maxAge: '12h' })
 * if (verified.ok) {
 *   const { token, status } = await sessionFromIdToken(manager, verified.payload, { policy: 'default' })
 * }
 */
export function sessionFromIdToken(
  manager: SessionManager,
  payload: Pick<IdTokenPayload, 'sub' | 'auth_time' | 'iat'>,
  options: SessionFromIdTokenOptions = {},
): Promise<CreatedSession> {
  const seconds = payload.auth_time ?? payload.iat
  if (typeof payload.sub !== 'string' || typeof seconds !== 'number' || !Number.isFinite(seconds)) {
    throw new CurfewError({
      code: 'invalid_option',
      message: 'sessionFromIdToken needs a verified ID token payload with "sub" and "auth_time" (or "iat").',
    })
  }
  return manager.create({
    subject: payload.sub,
    authTime: seconds * 1000,
    ...(options.policy === undefined ? {} : { policy: options.policy }),
    ...(options.data === undefined ? {} : { data: options.data }),
    ...(options.meta === undefined ? {} : { meta: options.meta }),
  })
}
