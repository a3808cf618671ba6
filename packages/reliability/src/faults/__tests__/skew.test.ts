import { randomUUID } from 'node:crypto'
import { CLIENT_HEADER } from '@curfew/core'
import { RedisStore } from '@curfew/server'
import { afterEach, describe, expect, it } from 'vitest'
import { type App, adapters, login, MINUTE, startApp } from '../../harness/app'
import { connectRedis, deletePrefix } from '../../harness/stores'

const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

async function status(app: App, cookie: string) {
  const response = await fetch(`${app.url}/session`, { headers: { cookie } })
  return { code: response.status, body: await response.json() }
}

const pairs = adapters.map((adapter, i) => ({ first: adapter, second: adapters[(i + 1) % adapters.length]! }))

describe.each(pairs)(
  'two app servers 10 minutes apart on one Redis ($first.name + $second.name)',
  ({ first, second }) => {
    it('reports the same deadlines and server time, and agrees on every refusal', async () => {
      const client = await connectRedis()
      const prefix = `curfew-skew:${randomUUID()}:`
      cleanup.push(async () => {
        await deletePrefix(client, prefix)
        client.disconnect()
      })
      // Each app's own clock is 5 minutes off, in opposite directions; Redis TIME decides.
      const ahead = await startApp({
        adapter: first,
        store: new RedisStore({ client, prefix }),
        start: Date.now() + 5 * MINUTE,
      })
      cleanup.push(() => ahead.close())
      const behind = await startApp({
        adapter: second,
        store: new RedisStore({ client, prefix }),
        start: Date.now() - 5 * MINUTE,
      })
      cleanup.push(() => behind.close())

      const { cookie } = await login(ahead, 'skewed')
      const fromAhead = await status(ahead, cookie)
      const fromBehind = await status(behind, cookie)
      expect(fromAhead.code).toBe(200)
      expect(fromBehind.code).toBe(200)
      for (const field of ['absoluteExpiresAt', 'idleExpiresAt', 'expiresAt', 'expiresBy', 'session']) {
        expect(fromBehind.body[field], field).toEqual(fromAhead.body[field])
      }
      // Both speak Redis's time, not their own: far closer to each other than the 10 minutes between them.
      expect(Math.abs(fromAhead.body.serverTime - fromBehind.body.serverTime)).toBeLessThan(MINUTE)

      // Activity through one server moves the deadline the other one reports.
      const active = await fetch(`${behind.url}/session/activity`, {
        method: 'POST',
        headers: { cookie, [CLIENT_HEADER]: '1' },
      })
      const moved = (await active.json()).idleExpiresAt
      expect((await status(ahead, cookie)).body.idleExpiresAt).toBe(moved)

      // A logout on one is a logout on both, with the same reason.
      await fetch(`${ahead.url}/session/logout`, {
        method: 'POST',
        headers: { cookie, [CLIENT_HEADER]: '1' },
      })
      const refusedA = await status(ahead, cookie)
      const refusedB = await status(behind, cookie)
      expect(refusedA).toMatchObject({ code: 401, body: { reason: 'logout' } })
      expect(refusedB).toMatchObject({ code: 401, body: { reason: 'logout' } })
      expect(ahead.events.filter((e) => e.type === 'session.revoked')).toHaveLength(1)
      expect(behind.events.filter((e) => e.type === 'session.revoked')).toHaveLength(0)
    })
  },
)
