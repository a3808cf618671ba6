import { type Duration, parseDuration } from '@curfew/core'
import { jsonReply } from './replies'
import type { CurfewRequestState, HttpReply } from './types'

/**
 * Parses the `maxAge` of `requireRecentAuth` once, at setup (a typo throws `invalid_duration` at boot).
 */
export function recentAuthLimit(maxAge: Duration): number {
  return parseDuration(maxAge)
}

/**
 * 401 `reauth_required` when the session's authentication is older than `maxAgeMs` at the server's
 * time of this request; `null` when recent enough. The challenge is RFC 9470's step-up form, carrying
 * `max_age` so an OIDC client can pass it on to the identity provider.
 */
export function checkRecentAuth(
  state: CurfewRequestState,
  options: { maxAgeMs: number; realm: string },
): HttpReply | null {
  const { status, session } = state
  if (status.serverTime - session.authTime <= options.maxAgeMs) return null
  const seconds = Math.floor(options.maxAgeMs / 1000)
  return jsonReply(
    401,
    {
      error: 'reauth_required',
      reason: 'auth_too_old',
      serverTime: status.serverTime,
      message: 'Sign in again to continue: this action needs a recent sign-in.',
    },
    [
      [
        'WWW-Authenticate',
        `Bearer realm="${options.realm}", error="insufficient_user_authentication", error_description="authentication too old", max_age=${seconds}`,
      ],
    ],
  )
}
