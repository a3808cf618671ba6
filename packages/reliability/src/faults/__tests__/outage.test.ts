import { RedisStore } from '@curfew/server'
import { spareRedis } from '@curfew/testing'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { adapters, login, startApp } from '../../harness/app'
import { redisClients } from '../../harness/redisClients'
import { scale } from '../../harness/scale'
import { watchProcess } from '../../harness/watch'
import { runLoad } from '../load'

const REQUESTS = scale({ fast: 400, stress: 4_000 })
const OUTAGES = scale({ fast: 2, stress: 5 })

const cases = adapters.flatMap((adapter, i) =>
  redisClients.map((client, j) => ({
    adapter,
    client,
    mode: (i + j) % 2 === 0 ? ('deny' as const) : ('unavailable' as const),
  })),
)

const watch = watchProcess()
afterAll(() => watch.stop())
const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

describe.each(cases)(
  'Redis killed under load: $adapter.name adapter, $client.name, onStoreError $mode',
  ({ adapter, client, mode }) => {
    it(`fails closed within the bound, audits each of ${OUTAGES} outages once, keeps cookies, and honours persisted sessions after each restart`, async () => {
      const expected = mode === 'deny' ? 401 : 503
      const spare = await spareRedis({ persist: true })
      cleanup.push(() => spare.dispose())
      const connection = await client.connect(spare.url)
      cleanup.push(() => connection.close())
      const store = new RedisStore({ client: connection.client, prefix: 'curfew-outage:' })
      const app = await startApp({ adapter, store, start: false, onStoreError: mode, storeTimeout: 500 })
      cleanup.push(() => app.close())
      // Sign in one by one, retrying: on a loaded machine a sign-in may itself exceed the short store
      // timeout (the test app's login route answers 500 then), which is not what this test is about.
      const sessions: Awaited<ReturnType<typeof login>>[] = []
      for (const subject of ['a', 'b', 'c', 'd', 'e']) {
        for (let attempt = 1; ; attempt++) {
          try {
            sessions.push(await login(app, subject))
            break
          } catch (error) {
            if (attempt === 5) throw error
          }
        }
      }
      const cookies = sessions.map((s) => s.cookie)

      for (let outage = 1; outage <= OUTAGES; outage++) {
        let killed: Promise<void> | undefined
        const results = await runLoad({
          port: app.port,
          cookies,
          total: REQUESTS,
          concurrency: 16,
          onProgress: (done) => {
            if (done === Math.floor(REQUESTS / 4)) killed = spare.stop()
          },
        })
        await killed
        const refused = results.filter((r) => r.status !== 200)
        // Every answer: served, or refused closed with the configured status and reason. Never a 5xx other
        // than the configured 503, never a hang (runLoad bounds each request), never a cleared cookie.
        for (const r of results) {
          expect(
            r.status === 200 || (r.status === expected && r.reason === 'store_unavailable'),
            JSON.stringify(r),
          ).toBe(true)
          expect(r.clearsCookie).toBe(false)
        }
        expect(refused.length).toBeGreaterThan(0)
        expect(app.events.filter((e) => e.type === 'store.unavailable')).toHaveLength(outage)
        expect(
          app.events.filter((e) => e.type === 'session.expired' || e.type === 'session.revoked'),
        ).toEqual([])

        await spare.start()
        await connection.ready()
        // The same app, no restart: the sessions written before the outage survived in the AOF and pass.
        const after = await runLoad({ port: app.port, cookies, total: cookies.length * 4, concurrency: 5 })
        expect(after.map((r) => r.status)).toEqual(after.map(() => 200))
        expect(app.events.filter((e) => e.type === 'store.recovered')).toHaveLength(outage)
      }
      expect(watch.rejections).toEqual([])
      expect(watch.exceptions).toEqual([])
    })
  },
)
