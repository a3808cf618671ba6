import type { PolicyInput } from '@curfew/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createSessionManager } from '../../../manager/createSessionManager'
import { MemoryStore } from '../../../stores/memory/memoryStore'
import { type OpenSocket, openSocket, startApp } from './harness'

// Real sockets need real time: policies of a second or two, and assertions on the order of events.
// No wall-clock bound is asserted (they flake on a shared machine): each test shows by its close reason
// and its order against the deadlines that only the mechanism under test can have closed the socket —
// a broken one leaves the socket open and the test times out. How late after the deadline the close
// came is printed; that the watch fires at the deadline itself is shown with a fake clock in
// src/watch/__tests__/watch.test.ts.
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

/** The latency is a figure to read in the output, not a bound to assert. */
function lateBy(what: string, ms: number): void {
  console.log(`ws: closed ${ms} ms after the ${what}`)
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
  it('closes the socket with 4401 "idle" at the idle deadline', async () => {
    const { app } = await setup({ idleTimeout: '1s', absoluteTimeout: '1m', touchInterval: 0 })
    const { cookie, status } = await app.login()
    const socket = await openSocket(app.wsUrl, { cookie })
    const closed = await socket.closed
    // 4401 "idle" comes only from the watch; nothing else in this app closes a socket.
    expect(closed).toMatchObject({ code: 4401, reason: 'idle' })
    expect(closed.at).toBeGreaterThanOrEqual(status.idleExpiresAt)
    lateBy('idle deadline', closed.at - status.idleExpiresAt)
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
    // The chatter never stopped before the close: had a message counted (touchInterval 0), the re-check
    // at the deadline would have found a later activity and re-armed, so no "idle" close could come
    // while the client kept talking.
    expect(socket.messages.length).toBeGreaterThan(0)
    expect(closed).toMatchObject({ code: 4401, reason: 'idle' })
    expect(closed.at).toBeGreaterThanOrEqual(status.idleExpiresAt)
    lateBy('idle deadline under chatter', closed.at - status.idleExpiresAt)
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
    lateBy('absolute deadline', closed.at - status.absoluteExpiresAt)
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
