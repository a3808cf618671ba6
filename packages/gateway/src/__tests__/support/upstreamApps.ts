import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'

/** A plain app behind the gateway: it knows nothing of Curfew and records what reached it. */
export interface UpstreamApp {
  url: string
  port: number
  /** Headers of every request that reached the app, in order. */
  seen: IncomingHttpHeaders[]
  close(): Promise<void>
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return (server.address() as AddressInfo).port
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
}

/** A tiny static site: fixed HTML pages, no sessions, no identity logic. */
export async function startStaticSite(): Promise<UpstreamApp> {
  const seen: IncomingHttpHeaders[] = []
  const server = createServer((request, response) => {
    seen.push(request.headers)
    const path = (request.url ?? '/').split('?')[0]
    if (path === '/missing') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<!doctype html><title>static</title><p>static page ${path}</p>`)
  })
  const port = await listen(server)
  return { url: `http://127.0.0.1:${port}`, port, seen, close: closer(server) }
}

/** A plain JSON API that echoes what it was told about the caller, plus a WebSocket echo on any path. */
export async function startJsonApi(): Promise<UpstreamApp & { releaseHeld(): void }> {
  const seen: IncomingHttpHeaders[] = []
  const held: Array<() => void> = []
  const server = createServer((request, response) => {
    seen.push(request.headers)
    if (request.url === '/api/hold') {
      // Answers only when the test says so: an in-flight request during shutdown, without a timer.
      held.push(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{"held":true}'))
      return
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        path: request.url,
        subject: request.headers['x-curfew-subject'] ?? null,
        session: request.headers['x-curfew-session'] ?? null,
        cookie: request.headers.cookie ?? null,
      }),
    )
  })
  const wss = new WebSocketServer({ server })
  wss.on('connection', (socket, request) => {
    seen.push(request.headers)
    socket.send(JSON.stringify({ hello: request.headers['x-curfew-subject'] ?? null }))
    socket.on('message', (data) => socket.send(String(data)))
  })
  const port = await listen(server)
  const close = closer(server)
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    releaseHeld: () => {
      for (const release of held.splice(0)) release()
    },
    close: async () => {
      for (const client of wss.clients) client.terminate()
      wss.close()
      await close()
    },
  }
}

/** A free loopback port (for processes that need one written into their config). */
export async function freePort(): Promise<number> {
  const server = createServer()
  const port = await listen(server)
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
