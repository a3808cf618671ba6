import type { IncomingMessage } from 'node:http'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import {
  type BodyRead,
  badRequestReply,
  handleSessionRoute,
  matchSessionRoute,
  type ResolvedHttpOptions,
  readNodeBody,
  serverNow,
  unavailableReply,
} from '../../http'
import type { SessionManager } from '../../types'
import { requestInfo, sendReply } from './request'

const SUBPATHS = ['/', '/activity', '/refresh', '/logout', '/policy']
// Every method but OPTIONS, which stays with the app's CORS handling; wrong ones get a typed 405.
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']

/** Registers the session routes in their own scope, with a body reader of our own. */
export function sessionRoutesPlugin(manager: SessionManager, options: ResolvedHttpOptions) {
  return async function curfewSessionRoutes(scope: FastifyInstance): Promise<void> {
    // The session POSTs need no body: read at most `bodyLimit` bytes ourselves and judge it in the
    // protocol layer, so every adapter answers a bad body the same typed way.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_request: FastifyRequest, payload: IncomingMessage) =>
      readNodeBody(payload, options.bodyLimit),
    )
    // Fastify judges some requests before any parser or handler runs (an empty or unparsable
    // Content-Type is a 415 FST_ERR_CTP_INVALID_MEDIA_TYPE): answer those the protocol's typed way too.
    scope.setErrorHandler((error: { statusCode?: number; code?: string }, _request, reply) => {
      const now = serverNow(manager)
      const status = error.statusCode ?? 500
      if (status === 413) return sendReply(reply, badRequestReply('body_too_large', now))
      if (status >= 400 && status < 500) return sendReply(reply, badRequestReply('malformed_header', now))
      return sendReply(reply, unavailableReply(now))
    })
    for (const subpath of SUBPATHS) {
      scope.route({
        method: METHODS,
        url: subpath,
        exposeHeadRoute: false,
        handler: async (request, reply) => {
          const match = matchSessionRoute(request.method.toUpperCase(), subpath, serverNow(manager))
          if (!match) return reply.callNotFound()
          if ('reply' in match) return sendReply(reply, match.reply)
          const body = request.body as BodyRead | undefined
          const answer = await handleSessionRoute(
            {
              manager,
              request: requestInfo(request),
              options,
              readBody: () => Promise.resolve(body ?? { ok: true, text: '' }),
            },
            match.route,
          )
          return sendReply(reply, answer)
        },
      })
    }
  }
}
