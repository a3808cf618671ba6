import { CLIENT_HEADER, type PolicyInput } from '@curfew/core'
import { afterEach, describe, expect, it } from 'vitest'
import { type AdapterUnderTest, type App, adapters, login, MINUTE, startApp } from '../../harness/app'
import { recordToken } from '../../harness/leaks'
import { type StoreKind, storeKinds } from '../../harness/stores'

const RENEWING = {
  idleTimeout: '15m',
  absoluteTimeout: '1h',
  touchInterval: 0,
  renewEvery: '10m',
  renewGrace: '30s',
}

/** Every way a client can present an old token; each must be refused with `reason`. */
async function expectRefusedEverywhere(app: App, cookie: string, reason: string): Promise<void> {
  const token = cookie.slice(cookie.indexOf('=') + 1)
  const attempts: Array<[string, string, Record<string, string>]> = [
    ['GET', '/api/me', { cookie }],
    ['GET', '/api/me', { authorization: `Bearer ${token}` }],
    ['GET', '/api/poll', { cookie }],
    ['GET', '/session', { cookie }],
    ['POST', '/session/activity', { cookie, [CLIENT_HEADER]: '1' }],
    ['POST', '/session/refresh', { cookie, [CLIENT_HEADER]: '1' }],
    ['POST', '/session/refresh', { authorization: `Bearer ${token}` }],
  ]
  for (const [method, path, headers] of attempts) {
    const response = await fetch(`${app.url}${path}`, { method, headers })
    const body = await response.json()
    expect(response.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(401)
    expect(body, `${method} ${path}`).toMatchObject({ error: 'session_expired', reason })
  }
}

function suite(adapter: AdapterUnderTest, kind: StoreKind) {
  const open: Array<() => Promise<void>> = []
  afterEach(async () => {
    for (const close of open.splice(0).reverse()) await close()
  })

  async function start(policy?: PolicyInput) {
    let now = Date.UTC(2026, 0, 1, 9)
    const { store, dispose } = await kind.create(() => now)
    open.push(dispose)
    const make = async (p?: PolicyInput) => {
      const app = await startApp({ adapter, store, start: now, ...(p ? { policy: p } : {}) })
      // The store reads the app's clock, so advancing the app advances the store.
      const advance = app.clock.advance.bind(app.clock)
      app.clock.advance = (ms) => {
        advance(ms)
        now = app.clock.now
      }
      open.push(() => app.close())
      return app
    }
    return { app: await make(policy), restart: make }
  }

  it('never keeps a session id the client brought to login (fixation)', async () => {
    const { app } = await start()
    const attacker = await login(app, 'attacker')
    const planted = 'A'.repeat(43)
    for (const cookie of [attacker.cookie, `curfew_session=${planted}`]) {
      const response = await fetch(`${app.url}/login`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ subject: 'victim' }),
      })
      const issued = (response.headers.getSetCookie()[0] ?? '').split(';')[0]!
      recordToken(issued.slice(issued.indexOf('=') + 1))
      expect(issued).toMatch(/^curfew_session=s_[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/)
      expect(issued).not.toBe(cookie)
      // The planted id never becomes the victim's session.
      const planted = await fetch(`${app.url}/api/me`, { headers: { cookie } })
      if (planted.status === 200) expect((await planted.json()).subject).toBe('attacker')
      else expect(planted.status).toBe(401)
      const own = await fetch(`${app.url}/api/me`, { headers: { cookie: issued } })
      expect(await own.json()).toMatchObject({ subject: 'victim' })
    }
  })

  it('refuses a token replayed after logout with reason logout', async () => {
    const { app } = await start()
    const { cookie } = await login(app)
    const logout = await fetch(`${app.url}/session/logout`, {
      method: 'POST',
      headers: { cookie, [CLIENT_HEADER]: '1' },
    })
    expect(await logout.json()).toMatchObject({ state: 'expired', reason: 'logout' })
    app.clock.advance(MINUTE)
    await expectRefusedEverywhere(app, cookie, 'logout')
  })

  it('refuses a token replayed after renewal outside the grace window (reuse_detected), successor included', async () => {
    const { app } = await start(RENEWING)
    const { cookie } = await login(app)
    app.clock.advance(10 * MINUTE)
    const renewed = await fetch(`${app.url}/api/me`, { headers: { cookie } })
    expect(renewed.status).toBe(200)
    const successor = (renewed.headers.getSetCookie()[0] ?? '').split(';')[0]!
    expect(successor).not.toBe(cookie)
    app.clock.advance(31_000)
    const reuse = await fetch(`${app.url}/api/me`, { headers: { cookie } })
    expect(await reuse.json()).toMatchObject({ reason: 'reuse_detected' })
    await expectRefusedEverywhere(app, successor, 'reuse_detected')
    expect(
      app.events.filter((e) => e.type === 'session.revoked' && e.reason === 'reuse_detected'),
    ).toHaveLength(1)
  })

  it('refuses every session of a subject after revokeSubject with reason revoked, others untouched', async () => {
    const { app } = await start()
    const first = await login(app, 'mallory')
    const second = await login(app, 'mallory')
    const other = await login(app, 'alice')
    expect(await app.manager.revokeSubject('mallory')).toBe(2)
    await expectRefusedEverywhere(app, first.cookie, 'revoked')
    await expectRefusedEverywhere(app, second.cookie, 'revoked')
    expect((await fetch(`${app.url}/api/me`, { headers: { cookie: other.cookie } })).status).toBe(200)
  })

  it('ends over-age sessions at their next check once the policy is tightened (idle and absolute)', async () => {
    const { app, restart } = await start()
    const old = await login(app, 'old-user')
    // Active every 10 minutes: alive under the loose policy (idle 15m, absolute 1h) at 25 minutes.
    for (const step of [10, 10, 5]) {
      app.clock.advance(step * MINUTE)
      expect((await fetch(`${app.url}/api/me`, { headers: { cookie: old.cookie } })).status).toBe(200)
    }
    await app.close()
    const tightened = await restart({ idleTimeout: '5m', absoluteTimeout: '20m', touchInterval: 0 })
    tightened.clock.now = app.clock.now
    tightened.clock.advance(60_000)
    await expectRefusedEverywhere(tightened, old.cookie, 'absolute')
    const fresh = await login(tightened, 'fresh-user')
    tightened.clock.advance(6 * MINUTE)
    await expectRefusedEverywhere(tightened, fresh.cookie, 'idle')
  })
}

for (const adapter of adapters) {
  for (const kind of storeKinds) {
    describe(`replay through the ${adapter.name} adapter (${kind.name} store)`, () => suite(adapter, kind))
  }
}
