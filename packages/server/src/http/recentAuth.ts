import { type Duration, parseDuration } from '@curfew/core'
import type { SessionManager } from '../types'
import { serverNow } from './authenticate'
import { challenge } from './challenge'
import { jsonReply } from './replies'
import type { CurfewRequestState, HttpReply } from './types'

/** Options of {@link createRecentAuthCheck}. */
export interface RecentAuthCheckOptions {
  /** Largest accepted age of the sign-in. Parsed here, at setup: a typo throws `invalid_duration` at boot. */
  maxAge: Duration
  realm: string
  /**
   * Whose clock stamps the "no session" answer (a request that was never authenticated carries no
   * server time of its own). Without one, this machine's clock.
   */
  manager?: SessionManager | undefined
  /** Says what should run before the guard, in the adapter's own words. */
  missingMessage: string
}

/** Judges one request's session; `null` lets it through. */
export type RecentAuthCheck = (state: CurfewRequestState | null | undefined) => HttpReply | null

/**
 * The whole `requireRecentAuth` decision, shared by every adapter:
 * - no session on the request (the middleware did not run, or `optional` let an anonymous request
 *   through): 401 `no_session`, stamped with the manager's clock,
 * - sign-in older than `maxAge` at the server's time of this request: 401 `reauth_required` with RFC
 *   9470's step-up challenge carrying `max_age`, so an OIDC client can pass it on to the identity provider,
 * - otherwise `null`.
 *
 * @example
 * const check = createRecentAuthCheck({ maxAge: '5m', realm: 'curfew', manager, missingMessage: '…' })
 * const refusal = check(req.curfew)
 */
export function createRecentAuthCheck(options: RecentAuthCheckOptions): RecentAuthCheck {
  const maxAgeMs = parseDuration(options.maxAge)
  const { realm, manager } = options
  return (state) => {
    if (!state) {
      const body = {
        error: 'no_session',
        reason: 'missing',
        serverTime: manager ? serverNow(manager) : Date.now(),
        message: options.missingMessage,
      }
      return jsonReply(401, body, [['WWW-Authenticate', challenge({ reason: 'missing', realm })]])
    }
    const { status, session } = state
    if (status.serverTime - session.authTime <= maxAgeMs) return null
    return jsonReply(
      401,
      {
        error: 'reauth_required',
        reason: 'auth_too_old',
        serverTime: status.serverTime,
        message: 'Sign in again to continue: this action needs a recent sign-in.',
      },
      [['WWW-Authenticate', challenge({ reason: 'auth_too_old', realm, maxAgeMs })]],
    )
  }
}
