import type { FastifyReply, FastifyRequest } from 'fastify'
import type { HttpReply, HttpRequestInfo } from '../../http'

/** The protocol layer's view of a Fastify request. */
export function requestInfo(request: FastifyRequest): HttpRequestInfo {
  return {
    method: request.method.toUpperCase(),
    header(name) {
      const value = request.headers[name]
      return Array.isArray(value) ? value.join(', ') : value
    },
    // `request.host` honours `trustProxy` (X-Forwarded-Host) like the rest of the app.
    host: request.host?.toLowerCase(),
    ip: request.ip,
    path: request.url.split('?')[0],
  }
}

/** Adds protocol headers; Fastify appends repeated `set-cookie` values by itself. */
export function applyHeaders(reply: FastifyReply, headers: ReadonlyArray<[string, string]>): void {
  for (const [name, value] of headers) reply.header(name, value)
}

/** Sends a complete protocol answer; returns the reply so hooks can `return sendReply(...)`. */
export function sendReply(reply: FastifyReply, answer: HttpReply): FastifyReply {
  applyHeaders(reply, answer.headers)
  return reply.code(answer.status).send(JSON.stringify(answer.body))
}
