import type { SessionStatus } from '@curfew/core'
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify'
import { endSession, resolveHttpOptions, signOutResult, startSession } from '../../http'
import { createDecorator } from './hooks'
import { applyHeaders, requestInfo } from './request'
import { sessionRoutesPlugin } from './routes'
import type { FastifyCurfewOptions, FastifySignInInput, FastifySignOutResult } from './types'

async function register(fastify: FastifyInstance, pluginOptions: FastifyCurfewOptions): Promise<void> {
  const { manager, basePath = '/session', ...httpOptions } = pluginOptions
  const options = resolveHttpOptions(httpOptions)
  fastify.decorateRequest('curfew', null)
  const { routeHooks, ...decorator } = createDecorator(manager, options)
  fastify.decorate('curfew', decorator)
  fastify.addHook('onRoute', routeHooks)
  fastify.decorateReply(
    'signIn',
    async function signIn(this: FastifyReply, input: FastifySignInInput): Promise<SessionStatus> {
      const outcome = await startSession({ manager, request: requestInfo(this.request), options }, input)
      applyHeaders(this, outcome.headers)
      this.request.curfew = { session: outcome.session, status: outcome.status, source: 'cookie' }
      return outcome.status
    },
  )
  fastify.decorateReply('signOut', async function signOut(this: FastifyReply): Promise<FastifySignOutResult> {
    const outcome = await endSession({ manager, request: requestInfo(this.request), options })
    if (outcome.ok) {
      applyHeaders(this, outcome.headers)
      this.request.curfew = null
    }
    return signOutResult(outcome)
  })
  if (basePath !== false) {
    await fastify.register(sessionRoutesPlugin(manager, options), { prefix: basePath })
  }
}

/**
 * The Curfew plugin for Fastify 5. Decorates the scope it is registered in (it deliberately skips
 * encapsulation, as fastify-plugin plugins do) with `fastify.curfew` hooks, `request.curfew`,
 * `reply.signIn()` and `reply.signOut()`, and registers the session routes under `basePath`.
 *
 * @example
 * await app.register(fastifyCurfew, { manager })
 * app.get('/api/me', { onRequest: app.curfew.authenticate }, async (request) => ({ user: request.curfew?.session.subject }))
 * app.get('/api/poll', { onRequest: app.curfew.authenticate, config: { curfew: { passive: true } } }, poll)
 * app.post('/login', async (request, reply) => reply.signIn({ subject: await checkPassword(request.body) }))
 */
export const fastifyCurfew: FastifyPluginAsync<FastifyCurfewOptions> = Object.assign(register, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: '@curfew/server',
})
