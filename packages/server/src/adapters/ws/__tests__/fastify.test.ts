import websocket from '@fastify/websocket'
import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { createSessionManager } from '../../../manager/createSessionManager'
import { MemoryStore } from '../../../stores/memory/memoryStore'
import { fastifyUpgradeGuard } from '../fastify'
import { watchWebSocket } from '../upgrade'
import { openSocket } from './harness'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

describe('@curfew/server/ws with @fastify/websocket', () => {
  it('refuses a bad cookie with 401 before the upgrade, and closes an open socket with 4401 on revoke', async () => {
    const manager = createSessionManager({
      policy: { idleTimeout: '1m', absoluteTimeout: '1h' },
      store: new MemoryStore(),
    })
    const app = Fastify()
    await app.register(websocket)
    app.get('/live', { websocket: true, preValidation: fastifyUpgradeGuard(manager) }, (socket, req) => {
      watchWebSocket(manager, { socket, request: req.raw })
      socket.send('hello')
    })
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    cleanups.push(async () => {
      await app.close()
      await manager.close()
    })
    const url = `${address.replace('http', 'ws')}/live`
    const refused = await openSocket(url, { cookie: 'curfew_session=forged' }).then(
      () => 0,
      (error: { status?: number }) => error.status,
    )
    expect(refused).toBe(401)
    const { token } = await manager.create({ subject: 'u1' })
    const socket = await openSocket(url, { cookie: `curfew_session=${token}` })
    await manager.revoke(token, 'logout')
    expect(await socket.closed).toMatchObject({ code: 4401, reason: 'logout' })
    expect(socket.messages).toEqual(['hello'])
  })
})
