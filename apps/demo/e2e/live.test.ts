import { afterEach, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { startDemo } from './harness'

// The live feed over a real WebSocket (the `ws` client): its handshake needs the session, and Curfew
// cuts it with 4401 at the idle deadline, on logout and when the admin revokes the session.
let demo: Awaited<ReturnType<typeof startDemo>> | undefined
afterEach(async () => {
  await demo?.close()
  demo = undefined
})

async function signIn(url: string): Promise<{ cookie: string; handle: string }> {
  const res = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'curfew-client': '1' },
    body: JSON.stringify({ username: 'alice' }),
  })
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!
  const status = (await res.json()) as { session: string }
  return { cookie, handle: status.session }
}

function open(url: string, cookie?: string) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/live`, { headers: cookie ? { cookie } : {} })
  const messages: string[] = []
  ws.on('message', (data) => messages.push(String(data)))
  const outcome = new Promise<{ opened: boolean; status?: number; code?: number; reason?: string }>(
    (resolve) => {
      ws.once('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode }))
      ws.once('close', (code, reason) => resolve({ opened: true, code, reason: String(reason) }))
    },
  )
  const opened = new Promise<void>((resolve) => ws.once('open', () => resolve()))
  return { ws, messages, outcome, opened }
}

describe('demo live feed (GET /api/live)', () => {
  it('refuses the handshake without a session (401), and cuts the feed with 4401 "logout"', async () => {
    demo = await startDemo({ idle: '2m', absolute: '10m', warn: '30s' })
    expect(await open(demo.url).outcome).toEqual({ opened: false, status: 401 })
    const { cookie } = await signIn(demo.url)
    const feed = open(demo.url, cookie)
    await feed.opened
    const logout = await fetch(`${demo.url}/session/logout`, {
      method: 'POST',
      headers: { cookie, 'curfew-client': '1' },
    })
    expect(logout.status).toBe(200)
    expect(await feed.outcome).toEqual({ opened: true, code: 4401, reason: 'logout' })
    expect(feed.messages.length).toBeGreaterThan(0)
  })

  it('cuts the feed with 4401 "idle" at the idle deadline, though it keeps pushing', async () => {
    demo = await startDemo({ idle: '3s', absolute: '10m', warn: '1s' })
    const { cookie } = await signIn(demo.url)
    const feed = open(demo.url, cookie)
    await feed.opened
    // The demo's clock is the test's: move it to the idle deadline at once. The watch's one timer was
    // armed for 3 s of real time; when it fires, the store (same clock) confirms the deadline passed.
    demo.advance(3_000)
    // Nothing but the watch closes with 4401 "idle"; the feed pushed meanwhile, and that was no activity.
    expect(await feed.outcome).toEqual({ opened: true, code: 4401, reason: 'idle' })
    expect(feed.messages.length).toBeGreaterThan(0)
    expect(demo.demo.feed.recent()).toContainEqual(
      expect.objectContaining({
        type: 'connection.closed',
        reason: 'idle',
        meta: { transport: 'websocket' },
      }),
    )
  })

  it('cuts the feed with 4401 "revoked" when the admin revokes the session', async () => {
    demo = await startDemo({ idle: '2m', absolute: '10m', warn: '30s' })
    const { cookie, handle } = await signIn(demo.url)
    const feed = open(demo.url, cookie)
    await feed.opened
    await demo.demo.manager.revoke(handle, 'revoked')
    expect(await feed.outcome).toEqual({ opened: true, code: 4401, reason: 'revoked' })
  })
})
