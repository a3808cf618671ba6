import { CLIENT_HEADER } from '@curfew/core'
import { RedisStore } from '@curfew/server'
import { spareRedis } from '@curfew/testing'
import { Redis } from 'ioredis'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { adapters, login, startApp } from '../../harness/app'
import { redisClients } from '../../harness/redisClients'
import { scale } from '../../harness/scale'
import { watchProcess } from '../../harness/watch'
import { runLoad } from '../load'

const CONCURRENT = scale({ fast: 20, stress: 200 })

/**
 * Resolves once Redis is busy in DEBUG SLEEP: a probe PING that gets no answer within 100 ms. (The load
 * must not start before the stall reaches Redis: two connections are not ordered at the server.)
 */
async function blockedBySleep(probe: Redis): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const answered = await Promise.race([
      probe.ping().then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 100)),
    ])
    if (!answered) return
  }
  throw new Error('Redis never blocked in DEBUG SLEEP')
}

const watch = watchProcess()
afterAll(() => watch.stop())
const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

// How Redis is made slow: every client paused, or the whole server blocked in a command.
const stalls = [
  { name: 'CLIENT PAUSE', command: ['CLIENT', 'PAUSE', '2000', 'ALL'], marker: true },
  { name: 'DEBUG SLEEP', command: ['DEBUG', 'SLEEP', '2'], marker: false },
] as const

const cases = adapters.flatMap((adapter, i) =>
  stalls.map((stall, j) => ({ adapter, stall, client: redisClients[(i + j) % 2]! })),
)

describe.each(cases)(
  'Redis too slow ($stall.name): $adapter.name adapter, $client.name',
  ({ adapter, stall, client }) => {
    it(`answers ${CONCURRENT} concurrent requests at storeTimeout, before Redis answers again, then serves`, async () => {
      const spare = await spareRedis()
      cleanup.push(() => spare.dispose())
      const connection = await client.connect(spare.url)
      cleanup.push(() => connection.close())
      // An admin connection with no timeout: it stalls Redis and learns when Redis answers again.
      const admin = new Redis(spare.url, { lazyConnect: true, maxRetriesPerRequest: null })
      admin.on('error', () => {})
      await admin.connect()
      cleanup.push(() => admin.disconnect())
      const store = new RedisStore({ client: connection.client, prefix: 'curfew-slow:' })
      const app = await startApp({
        adapter,
        store,
        start: false,
        onStoreError: 'unavailable',
        storeTimeout: 300,
      })
      cleanup.push(() => app.close())
      const { cookie } = await login(app)

      // Connected before the stall: a connection opened during DEBUG SLEEP waits for it to end.
      const probe = new Redis(spare.url, { lazyConnect: true, maxRetriesPerRequest: null })
      probe.on('error', () => {})
      await probe.connect()
      cleanup.push(() => probe.disconnect())
      const order: string[] = []
      let accepted!: () => void
      const inForce = new Promise<void>((resolve) => {
        accepted = resolve
      })
      const stalled = (
        admin.call(...(stall.command as unknown as [string, ...string[]])) as Promise<unknown>
      ).then(async () => {
        // CLIENT PAUSE answers at once, with the pause in force; a PING queued behind it answers when
        // the pause ends.
        if (stall.marker) {
          accepted()
          await admin.ping()
        }
        order.push('redis answers again')
      })
      if (stall.marker) await inForce
      else await blockedBySleep(probe)
      const results = await runLoad({
        port: app.port,
        cookies: [cookie],
        total: CONCURRENT,
        concurrency: CONCURRENT,
      })
      order.push('all requests answered')
      await stalled

      expect(order).toEqual(['all requests answered', 'redis answers again'])
      for (const r of results)
        expect(r).toMatchObject({ status: 503, reason: 'store_unavailable', clearsCookie: false })
      expect(app.events.filter((e) => e.type === 'store.unavailable')).toEqual([
        expect.objectContaining({ reason: 'store_timeout' }),
      ])
      await connection.ready()
      const after = await fetch(`${app.url}/session/activity`, {
        method: 'POST',
        headers: { cookie, [CLIENT_HEADER]: '1' },
      })
      expect(after.status).toBe(200)
      expect(watch.rejections).toEqual([])
    })
  },
)
