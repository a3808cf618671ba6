import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { WebSocket, WebSocketServer } from 'ws'
import type { SessionManager } from '../../../types'
import { sessionMiddleware, signIn } from '../../express'
import { type SessionUpgradeOptions, sessionUpgrade } from '../upgrade'

/** Express on Node's http server, with a `ws` endpoint at `/live` guarded by `sessionUpgrade`. */
export async function startApp(
  manager: SessionManager,
  options: Partial<SessionUpgradeOptions<WebSocket>> = {},
) {
  const app = express()
  app.post('/login', async (_req, res) => {
    res.json(await signIn(res, manager, { subject: 'u1' }))
  })
  app.get('/api/ping', sessionMiddleware(manager), (_req, res) => {
    res.json({ ok: true })
  })
  const server: Server = createServer(app)
  const wss = new WebSocketServer({ noServer: true })
  wss.on('connection', (ws) => {
    ws.on('message', (data) => ws.send(String(data)))
  })
  server.on('upgrade', sessionUpgrade(manager, { wss, path: '/live', ...options }))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  const base = `http://127.0.0.1:${port}`
  return {
    base,
    wsUrl: `ws://127.0.0.1:${port}/live`,
    /** Signs in; resolves the `Cookie` header value and the deadlines the server announced. */
    async login() {
      const res = await fetch(`${base}/login`, { method: 'POST' })
      const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!
      const status = (await res.json()) as { idleExpiresAt: number; absoluteExpiresAt: number }
      return { cookie, status, token: cookie.split('=')[1]! }
    },
    async close() {
      for (const client of wss.clients) client.terminate()
      wss.close()
      server.closeAllConnections()
      server.close()
      await once(server, 'close')
    },
  }
}

/** The client side of one socket: when and how it closed, and what it received. */
export interface OpenSocket {
  ws: WebSocket
  messages: string[]
  closed: Promise<{ code: number; reason: string; at: number }>
}

/** Opens a socket; rejects with the HTTP status when the server refused the upgrade. */
export function openSocket(url: string, headers: Record<string, string> = {}): Promise<OpenSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    const messages: string[] = []
    ws.on('message', (data) => messages.push(String(data)))
    const closed = new Promise<{ code: number; reason: string; at: number }>((done) => {
      ws.once('close', (code, reason) => done({ code, reason: String(reason), at: Date.now() }))
    })
    ws.once('open', () => resolve({ ws, messages, closed }))
    ws.once('unexpected-response', (_req, res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => {
        body += chunk
      })
      res.on('end', () =>
        reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body })),
      )
    })
    ws.once('error', (error) => reject(error))
  })
}
