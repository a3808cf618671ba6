import { once } from 'node:events'
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { createSessionManager } from '../../../manager/createSessionManager'
import { MemoryStore } from '../../../stores/memory/memoryStore'
import { sessionMiddleware } from '../../express'
import { endStreamAtSessionEnd } from '../stream'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setup() {
  const manager = createSessionManager({
    policy: { idleTimeout: '1s', absoluteTimeout: '1m', touchInterval: 0 },
    store: new MemoryStore(),
  })
  const app = express()
  app.get('/events', sessionMiddleware(manager, { passive: true }), (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' })
    res.write('event: hello\ndata: {}\n\n')
    endStreamAtSessionEnd(manager, { session: req.curfew!.session, response: res })
  })
  const server = createServer(app).listen(0, '127.0.0.1')
  await once(server, 'listening')
  cleanups.push(async () => {
    server.closeAllConnections()
    server.close()
    await manager.close()
  })
  return { manager, port: (server.address() as AddressInfo).port }
}

/** A raw HTTP reader: the whole stream as text, and when it ended. */
function readStream(port: number, cookie: string) {
  return new Promise<{ status: number; text: string; endedAt: number }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/events', headers: { cookie } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        text += chunk
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, endedAt: Date.now() }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('@curfew/server/sse', () => {
  it('ends the stream with a final curfew-expired event at the idle deadline', async () => {
    const { manager, port } = await setup()
    const { token, status } = await manager.create({ subject: 'u1' })
    const stream = await readStream(port, `curfew_session=${token}`)
    expect(stream.status).toBe(200)
    // Only the watch writes curfew-expired and ends the response: the stream's end is its doing. How
    // late after the deadline it came is printed, not asserted (a shared machine makes any bound flaky).
    expect(stream.text).toBe('event: hello\ndata: {}\n\nevent: curfew-expired\ndata: {"reason":"idle"}\n\n')
    expect(stream.endedAt).toBeGreaterThanOrEqual(status.idleExpiresAt)
    console.log(`sse: stream ended ${stream.endedAt - status.idleExpiresAt} ms after the idle deadline`)
  })

  it('ends the stream at once on revoke', async () => {
    const { manager, port } = await setup()
    const { token } = await manager.create({ subject: 'u1' })
    const reading = readStream(port, `curfew_session=${token}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
    await manager.revoke(token)
    expect((await reading).text).toContain('event: curfew-expired\ndata: {"reason":"revoked"}\n\n')
  })
})
