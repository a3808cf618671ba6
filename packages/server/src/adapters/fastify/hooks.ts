import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify'
import { authenticate, createRecentAuthCheck, type ResolvedHttpOptions } from '../../http'
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
      const result = await authenticate(
        { manager, request: requestInfo(request), options },
        { passive, optional: settings.optional === true },
      )
      if (!result.ok) return sendReply(reply, result.reply)
      request.curfew = result.state
      applyHeaders(reply, result.headers)
    }

  const requireRecentAuth = (maxAge: number | string): onRequestAsyncHookHandler => {
    const check = createRecentAuthCheck({
      maxAge,
      realm: options.realm,
      manager,
      missingMessage: 'requireRecentAuth needs fastify.curfew.authenticate before it.',
    })
    return async function curfewRequireRecentAuth(request: FastifyRequest, reply: FastifyReply) {
      const refusal = check(request.curfew)
      if (refusal) return sendReply(reply, refusal)
    }
  }

  return { manager, authenticate: authenticateWith({}), authenticateWith, requireRecentAuth }
}
