import type { PolicyInput } from '@curfew/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createSessionManager } from '../../../manager/createSessionManager'
import { MemoryStore } from '../../../stores/memory/memoryStore'
import { type OpenSocket, openSocket, startApp } from './harness'

// Real sockets need real time: policies of a second or two, and assertions on the order of events.
// The one time bound asserted is the issue's: closed within 1 s after the deadline.
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function setup(policy: PolicyInput, options: Parameters<typeof startApp>[1] = {}) {
  const manager = createSessionManager({ policy, store: new MemoryStore() })
  const app = await startApp(manager, options)
  cleanups.push(async () => {
    await app.close()
    await manager.close()
  })
  return { manager, app }
}

async function refused(promise: Promise<OpenSocket>): Promise<{ status: number; body: string }> {
  return promise.then(
    () => {
      throw new Error('the upgrade was accepted')
    },
    (error: { status?: number; body?: string }) => ({ status: error.status ?? 0, body: error.body ?? '' }),
  )
}

describe('@curfew/server/ws on Node http + Express', () => {
  it('closes the socket with 4401 "idle" within 1 s after the idle deadline', async () => {
    const { app } = await setup({ idleTimeout: '1s', absoluteTimeout: '1m', touchInterval: 0 })
    const { cookie, status } = await app.login()
    const socket = await openSocket(app.wsUrl, { cookie })
    const closed = await socket.closed
    expect(closed).toMatchObject({ code: 4401, reason: 'idle' })
    expect(closed.at).toBeGreaterThanOrEqual(status.idleExpiresAt)
    expect(closed.at - status.idleExpiresAt).toBeLessThan(1000)
  })

  it('moves the cut-off when the user is active over HTTP meanwhile', async () => {
    const { app } = await setup({ idleTimeout: '1500ms', absoluteTimeout: '1m', touchInterval: 0 })
    const { cookie, status } = await app.login()
    const socket = await openSocket(app.wsUrl, { cookie })
    await new Promise((resolve) => setTimeout(resolve, 700))
    const ping = await fetch(`${app.base}/api/ping`, { headers: { cookie } })
    expect(ping.status).toBe(200)
    const moved = Number(/\bi=(\d+)/.exec(ping.headers.get('curfew-session') ?? '')?.[1])
    expect(moved).toBeGreaterThan(status.idleExpiresAt)
    const closed = await socket.closed
    expect(closed).toMatchObject({ code: 4401, reason: 'idle' })
    expect(closed.at).toBeGreaterThanOrEqual(moved)
  })

  it('does not count socket messages as activity by default', async () => {
    const { app } = await setup({ idleTimeout: '1s', absoluteTimeout: '1m', touchInterval: 0 })
    const { cookie, status } = await app.login()
    const socket = await openSocket(app.wsUrl, { cookie })
    const chatter = setInterval(() => socket.ws.send('tick'), 100)
    const closed = await socket.closed
    clearInterval(chatter)
    expect(socket.messages.length).toBeGreaterThan(0)
    expect(closed).toMatchObject({ code: 4401, reason: 'idle' })
    expect(closed.at - status.idleExpiresAt).toBeLessThan(1000)
  })

  it('cuts at the absolute deadline under continuous traffic that counts as activity', async () => {
    const { app } = await setup(
      { idleTimeout: '600ms', absoluteTimeout: '2s', touchInterval: 0 },
      { messagesAreActivity: true },
    )
    const { cookie, status } = await app.login()
    const socket = await openSocket(app.wsUrl, { cookie })
    const chatter = setInterval(() => socket.ws.send('tick'), 50)
    const closed = await socket.closed
    clearInterval(chatter)
    // Idle would have cut at 600 ms; the messages kept it alive until the absolute deadline.
    expect(closed).toMatchObject({ code: 4401, reason: 'absolute' })
    expect(closed.at).toBeGreaterThanOrEqual(status.absoluteExpiresAt)
    expect(closed.at - status.absoluteExpiresAt).toBeLessThan(1000)
  })

  it('closes at once with the reason on logout and on revoke', async () => {
    const { app, manager } = await setup({ idleTimeout: '1m', absoluteTimeout: '1h' })
    const first = await app.login()
    const second = await app.login()
    const a = await openSocket(app.wsUrl, { cookie: first.cookie })
    const b = await openSocket(app.wsUrl, { cookie: second.cookie })
    await manager.revoke(first.token, 'logout')
    expect(await a.closed).toMatchObject({ code: 4401, reason: 'logout' })
    await manager.revokeSubject('u1')
    expect(await b.closed).toMatchObject({ code: 4401, reason: 'revoked' })
  })

  it('refuses the upgrade with 401 and opens no socket for a missing, forged or expired cookie', async () => {
    const { app, manager } = await setup({ idleTimeout: '1m', absoluteTimeout: '1h' })
    const expired = await app.login()
    await manager.revoke(expired.token)
    const forged = `curfew_session=${'A'.repeat(43)}`
    const attempts: Array<Record<string, string>> = [
      {},
      { cookie: forged },
      { cookie: expired.cookie },
      { cookie: 'curfew_session=%%%' },
    ]
    for (const headers of attempts) {
      const answer = await refused(openSocket(app.wsUrl, headers))
      expect(answer.status).toBe(401)
      expect(JSON.parse(answer.body)).toHaveProperty('error')
    }
  })

  it('refuses a cookie-borne upgrade from another origin (403), and accepts its own origin and a bearer', async () => {
    const { app } = await setup({ idleTimeout: '1m', absoluteTimeout: '1h' })
    const { cookie, token } = await app.login()
    const answer = await refused(openSocket(app.wsUrl, { cookie, origin: 'https://evil.example' }))
    expect(answer.status).toBe(403)
    const own = await openSocket(app.wsUrl, { cookie, origin: app.base })
    const bearer = await openSocket(app.wsUrl, {
      authorization: `Bearer ${token}`,
      origin: 'https://evil.example',
    })
    own.ws.close()
    bearer.ws.close()
  })
})
