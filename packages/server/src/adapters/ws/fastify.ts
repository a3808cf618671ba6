import type { IncomingMessage } from 'node:http'
import { type CurfewHttpOptions, type HttpReply, resolveHttpOptions } from '../../http'
import type { SessionManager } from '../../types'
import { authenticateNodeRequest } from './authenticate'
import { rememberConnection } from './upgrade'

/** What {@link fastifyUpgradeGuard} needs of a Fastify request and reply (no Fastify import). */
interface FastifyRequestLike {
  raw: IncomingMessage
}
interface FastifyReplyLike {
  code(status: number): FastifyReplyLike
  header(name: string, value: string): FastifyReplyLike
  send(payload: string): unknown
}

function send(reply: FastifyReplyLike, answer: HttpReply): unknown {
  reply.code(answer.status)
  for (const [name, value] of answer.headers) reply.header(name, value)
  return reply.send(JSON.stringify(answer.body))
}

/**
 * A `preValidation` hook for `@fastify/websocket` routes: authenticates the handshake (cookie or
 * bearer, origin check) and answers 401/403 before the upgrade when it fails. The route's handler then
 * calls `watchWebSocket(manager, { socket, request: req.raw })`.
 *
 * @example
 * await fastify.register(websocket)
 * fastify.get('/live', { websocket: true, preValidation: fastifyUpgradeGuard(manager) }, (socket, req) => {
 *   watchWebSocket(manager, { socket, request: req.raw })
 * })
 */
export function fastifyUpgradeGuard(
  manager: SessionManager,
  options: CurfewHttpOptions = {},
): (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown> {
  const resolved = resolveHttpOptions(options)
  return async (request, reply) => {
    const auth = await authenticateNodeRequest(manager, request.raw, resolved)
    if (!auth.ok) return send(reply, auth.reply)
    rememberConnection(manager, request.raw, auth)
    return undefined
  }
}
