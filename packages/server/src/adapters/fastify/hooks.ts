import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import {
  authenticate,
  checkRecentAuth,
  jsonReply,
  type ResolvedHttpOptions,
  recentAuthLimit,
} from '../../http'
import type { SessionManager } from '../../types'
import { applyHeaders, requestInfo, sendReply } from './request'
import type { AuthenticateHookOptions, CurfewDecorator } from './types'

function routePassive(request: FastifyRequest): boolean {
  return request.routeOptions?.config?.curfew?.passive === true
}

/** Builds `fastify.curfew`. */
export function createDecorator(manager: SessionManager, options: ResolvedHttpOptions): CurfewDecorator {
  const authenticateWith = (settings: AuthenticateHookOptions): onRequestAsyncHookHandler =>
    async function curfewAuthenticate(request: FastifyRequest, reply: FastifyReply) {
      const passive = settings.passive === true || routePassive(request)
      const result = await authenticate({ manager, request: requestInfo(request), options }, { passive })
      if (result.ok) {
        request.curfew = result.state
        applyHeaders(reply, result.headers)
        return
      }
      if (settings.optional && result.reply.status === 401) {
        request.curfew = null
        applyHeaders(
          reply,
          result.reply.headers.filter(([name]) => name.toLowerCase() === 'set-cookie'),
        )
        return
      }
      return sendReply(reply, result.reply)
    }

  const requireRecentAuth = (maxAge: number | string): onRequestAsyncHookHandler => {
    const maxAgeMs = recentAuthLimit(maxAge)
    return async function curfewRequireRecentAuth(request: FastifyRequest, reply: FastifyReply) {
      const state = request.curfew
      if (!state) {
        return sendReply(
          reply,
          jsonReply(
            401,
            {
              error: 'no_session',
              reason: 'missing',
              serverTime: Date.now(),
              message: 'requireRecentAuth needs fastify.curfew.authenticate before it.',
            },
            [['WWW-Authenticate', `Bearer realm="${options.realm}"`]],
          ),
        )
      }
      const refusal = checkRecentAuth(state, { maxAgeMs, realm: options.realm })
      if (refusal) return sendReply(reply, refusal)
    }
  }

  return { manager, authenticate: authenticateWith({}), authenticateWith, requireRecentAuth }
}
