import type { FastifyReply, FastifyRequest } from 'fastify'
import type { HttpReply, HttpRequestInfo } from '../../http'

/**
 * The protocol layer's view of a Fastify request: one small object per request, with `host`, `ip` and
 * `path` read when a rule or the audit trail asks for them. They live on the prototype, so an object
 * spread would drop them: copy with `withUrl` (http/) instead.
 */
class FastifyRequestInfo implements HttpRequestInfo {
  readonly method: string
  readonly #request: FastifyRequest

  constructor(request: FastifyRequest) {
    this.#request = request
    this.method = request.method.toUpperCase()
  }

  header(name: string): string | undefined {
    const value = this.#request.headers[name]
    return Array.isArray(value) ? value.join(', ') : value
  }

  // `request.host` honours `trustProxy` (X-Forwarded-Host) like the rest of the app.
  get host(): string | undefined {
    return this.#request.host?.toLowerCase()
  }

  get ip(): string | undefined {
    return this.#request.ip
  }

  get path(): string {
    const url = this.#request.url
    const query = url.indexOf('?')
    return query === -1 ? url : url.slice(0, query)
  }
}

/** The protocol layer's view of a Fastify request. */
export function requestInfo(request: FastifyRequest): HttpRequestInfo {
  return new FastifyRequestInfo(request)
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
