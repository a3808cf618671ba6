import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { Readable } from 'node:stream'

/** A Web-standard app: what Hono, Bun, Deno and Next.js route handlers expose. */
export type FetchApp = (request: Request) => Promise<Response>

function toRequest(req: IncomingMessage): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item)
    else if (value !== undefined) headers.set(name, value)
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  return new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, {
    method: req.method ?? 'GET',
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
  } as RequestInit)
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status
  for (const [name, value] of response.headers) {
    if (name !== 'set-cookie') res.setHeader(name, value)
  }
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) res.setHeader('set-cookie', cookies)
  res.end(Buffer.from(await response.arrayBuffer()))
}

/**
 * Serves a fetch-style app over real HTTP through node:http, the way `@hono/node-server` does: each
 * IncomingMessage becomes a `Request`, each `Response` is written back (Set-Cookie values kept apart).
 * A throw becomes a 500, which the suite treats as a failure.
 */
export function serveFetchApp(app: FetchApp): Server {
  return createServer((req, res) => {
    app(toRequest(req))
      .then((response) => writeResponse(response, res))
      .catch(() => {
        res.statusCode = 500
        res.end('bridge: the app threw')
      })
  })
}
