import { CLIENT_HEADER } from '@curfew/core'
import { RedisStore } from '@curfew/server'
import { Redis } from 'ioredis'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { adapters, login, startApp } from '../../harness/app'
import { redisClients } from '../../harness/redisClients'
import { scale } from '../../harness/scale'
import { spareRedis } from '../../harness/spareRedis'
import { watchProcess } from '../../harness/watch'
import { runLoad } from '../load'

const CONCURRENT = scale({ fast: 20, stress: 200 })
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

      const order: string[] = []
      const stalled = (
        admin.call(...(stall.command as unknown as [string, ...string[]])) as Promise<unknown>
      ).then(async () => {
        // CLIENT PAUSE returns at once; a PING queued behind it answers when the pause ends.
        if (stall.marker) await admin.ping()
        order.push('redis answers again')
      })
      // Give the stall command a moment to reach Redis before the load starts.
      await new Promise((resolve) => setImmediate(resolve))
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
