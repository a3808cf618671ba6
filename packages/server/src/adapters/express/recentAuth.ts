import type { Duration } from '@curfew/core'
import type { RequestHandler } from 'express'
import { checkRecentAuth, jsonReply, recentAuthLimit } from '../../http'
import { sendReply } from './request'

/**
 * Guards a sensitive route: answers 401 `reauth_required` (reason `auth_too_old`, RFC 9470 challenge
 * with `max_age`) when the user signed in longer ago than `maxAge`. Place it after `sessionMiddleware`.
 *
 * @example
 * app.post('/api/transfer', sessionMiddleware(manager), requireRecentAuth('5m'), transfer)
 */
export function requireRecentAuth(maxAge: Duration, options: { realm?: string } = {}): RequestHandler {
  const maxAgeMs = recentAuthLimit(maxAge)
  const realm = options.realm ?? 'curfew'
  return (req, res, next) => {
    const state = req.curfew
    if (!state) {
      sendReply(
        res,
        jsonReply(
          401,
          {
            error: 'no_session',
            reason: 'missing',
            serverTime: Date.now(),
            message: 'requireRecentAuth needs sessionMiddleware before it.',
          },
          [['WWW-Authenticate', `Bearer realm="${realm}"`]],
        ),
      )
      return
    }
    const refusal = checkRecentAuth(state, { maxAgeMs, realm })
    if (refusal) sendReply(res, refusal)
    else next()
  }
}
