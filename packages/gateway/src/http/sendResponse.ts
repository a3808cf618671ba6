import type { HttpReply } from '@curfew/server'
import type { FastifyReply } from 'fastify'

/** Adds protocol headers to a reply; Fastify keeps every repeated `Set-Cookie`. */
export function applyHeaders(reply: FastifyReply, headers: ReadonlyArray<[string, string]>): void {
  for (const [name, value] of headers) reply.header(name, value)
}

/** Sends a complete protocol answer (the 401/503 of the session protocol) through Fastify. */
export function sendReply(reply: FastifyReply, answer: HttpReply): FastifyReply {
  applyHeaders(reply, answer.headers)
  return reply.code(answer.status).send(JSON.stringify(answer.body))
}

/** True for a top-level browser navigation, which should be redirected to sign in rather than get JSON. */
export function isNavigation(method: string, accept: string | undefined): boolean {
  return (method === 'GET' || method === 'HEAD') && accept !== undefined && accept.includes('text/html')
}
