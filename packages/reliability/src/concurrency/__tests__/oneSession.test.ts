import { CLIENT_HEADER, type PolicyInput, parseSessionHeader, SESSION_HEADER } from '@curfew/core'
import { afterEach, describe, expect, it } from 'vitest'
import { type App, adapters, login, MINUTE, startApp, T0 } from '../../harness/app'
import { scale } from '../../harness/scale'
import { type StoreKind, storeKinds } from '../../harness/stores'

const CHECKS = scale({ fast: 1_000, stress: 5_000 })
const REFRESHES = scale({ fast: 50, stress: 200 })
const RENEWING: PolicyInput = {
  idleTimeout: '15m',
  absoluteTimeout: '1h',
  touchInterval: 0,
  renewEvery: '10m',
  renewGrace: '30s',
}

const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

/**
 * A clock that moves with real elapsed time (so concurrent activities land on distinct instants) plus a
 * jump the test controls, without ever sleeping.
 */
function movingClock() {
  const started = performance.now()
  const clock = { jump: 0, now: () => T0 + clock.jump + Math.floor(performance.now() - started) }
  return clock
}

/** Two app servers (this adapter and the next) over one store, as a small fleet. */
async function fleet(kind: StoreKind, index: number, policy?: PolicyInput) {
  const clock = movingClock()
  const { store, dispose } = await kind.create(clock.now)
  cleanup.push(dispose)
  const apps: App[] = []
  for (const adapter of [adapters[index]!, adapters[(index + 1) % adapters.length]!]) {
    const app = await startApp({ adapter, store, now: clock.now, ...(policy ? { policy } : {}) })
    cleanup.push(() => app.close())
    apps.push(app)
  }
  return { clock, apps, events: () => apps.flatMap((app) => app.events) }
}

const cases = adapters.flatMap((adapter, index) => storeKinds.map((kind) => ({ adapter, index, kind })))

describe.each(cases)(
  'one session under concurrency: $adapter.name + next adapter, $kind.name store',
  ({ index, kind }) => {
    it(`loses no activity over ${CHECKS} concurrent checks, never moves it backwards, and expires once`, async () => {
      const { clock, apps, events } = await fleet(kind, index)
      const { cookie } = await login(apps[0]!)

      // A watcher polls passively on the second server while the load runs: what it sees never goes back.
      let loading = true
      const watched: number[] = []
      const watcher = (async () => {
        while (loading) {
          const response = await fetch(`${apps[1]!.url}/session`, { headers: { cookie } })
          watched.push((await response.json()).idleExpiresAt)
        }
      })()
      const responses = await Promise.all(
        Array.from({ length: CHECKS }, (_, i) =>
          fetch(`${apps[i % 2]!.url}/api/me`, { headers: { cookie } }).then(async (response) => {
            await response.arrayBuffer()
            return {
              status: response.status,
              header: parseSessionHeader(response.headers.get(SESSION_HEADER)),
            }
          }),
        ),
      )
      loading = false
      await watcher

      expect(responses.every((r) => r.status === 200)).toBe(true)
      const reported = responses.map((r) => r.header!.idleExpiresAt)
      const final = await fetch(`${apps[0]!.url}/session`, { headers: { cookie } }).then((r) => r.json())
      // No lost update: the stored activity is the latest any request recorded.
      expect(final.idleExpiresAt).toBe(Math.max(...reported))
      for (let i = 1; i < watched.length; i++) expect(watched[i]).toBeGreaterThanOrEqual(watched[i - 1]!)
      expect(watched.every((w) => w <= final.idleExpiresAt)).toBe(true)

      // Past the idle deadline, the same flood: every request refused as idle, one expiry event in the fleet.
      clock.jump += 16 * MINUTE
      const late = await Promise.all(
        Array.from({ length: CHECKS }, (_, i) =>
          fetch(`${apps[i % 2]!.url}/api/me`, { headers: { cookie } }).then(async (r) => ({
            status: r.status,
            reason: (await r.json()).reason,
          })),
        ),
      )
      expect(late.every((r) => r.status === 401 && r.reason === 'idle')).toBe(true)
      expect(events().filter((e) => e.type === 'session.expired')).toHaveLength(1)
      expect(events().filter((e) => e.type === 'session.expired')[0]).toMatchObject({ reason: 'idle' })
    })

    it(`renews once under ${REFRESHES} concurrent refreshes: one successor, no false reuse_detected`, async () => {
      const { clock, apps, events } = await fleet(kind, index, RENEWING)
      const { cookie } = await login(apps[0]!)
      clock.jump += 10 * MINUTE
      const refreshes = await Promise.all(
        Array.from({ length: REFRESHES }, (_, i) =>
          fetch(`${apps[i % 2]!.url}/session/refresh`, {
            method: 'POST',
            headers: { cookie, [CLIENT_HEADER]: '1' },
          }).then(async (response) => ({
            status: response.status,
            body: await response.json(),
            cookie: (response.headers.getSetCookie()[0] ?? '').split(';')[0]!,
          })),
        ),
      )
      expect(refreshes.map((r) => r.status)).toEqual(refreshes.map(() => 200))
      const successors = new Set(refreshes.map((r) => r.cookie))
      expect(successors.size).toBe(1)
      const [successor] = [...successors]
      expect(successor).toMatch(/^curfew_session=s_[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/)
      expect(successor).not.toBe(cookie)
      expect(events().filter((e) => e.type === 'session.renewed')).toHaveLength(1)
      expect(events().filter((e) => e.reason === 'reuse_detected')).toEqual([])

      // Inside the grace window the old cookie still works and is handed the same successor again (the
      // store keeps the renewal's nonce for the retired id), on the other server too.
      const late = await fetch(`${apps[1]!.url}/api/me`, { headers: { cookie } })
      expect(late.status).toBe(200)
      expect(late.headers.getSetCookie().map((c) => c.split(';')[0])).toEqual([successor])
      expect((await fetch(`${apps[0]!.url}/api/me`, { headers: { cookie: successor! } })).status).toBe(200)
      expect(events().filter((e) => e.reason === 'reuse_detected')).toEqual([])
    })
  },
)
