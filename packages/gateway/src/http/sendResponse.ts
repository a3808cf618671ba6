import type { FastifyReply } from 'fastify'

/** Copies Web `Headers` onto a Fastify reply; every `Set-Cookie` is kept. */
export function applyHeaders(reply: FastifyReply, headers: Headers): void {
  for (const [name, value] of headers) {
    if (name === 'set-cookie') continue
    reply.header(name, value)
  }
  const cookies = headers.getSetCookie()
  if (cookies.length > 0) reply.header('set-cookie', cookies)
}

/** Sends a Web `Response` (the fetch adapter's 401/503 answers) through Fastify. */
export async function sendResponse(reply: FastifyReply, response: Response): Promise<FastifyReply> {
  applyHeaders(reply, response.headers)
  reply.code(response.status)
  return reply.send(await response.text())
}

/** True for a top-level browser navigation, which should be redirected to sign in rather than get JSON. */
export function isNavigation(method: string, accept: string | undefined): boolean {
  return (method === 'GET' || method === 'HEAD') && accept !== undefined && accept.includes('text/html')
}
