import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectNodeRedis, deletePrefix, keysUnder, uniquePrefix } from '../../stores/redis/__tests__/helpers'
import { RedisStore } from '../../stores/redis/redisStore'
import { deploy, population } from './driftFixture'

describe('manager.findDrift on RedisStore', () => {
  let connection: Awaited<ReturnType<typeof connectNodeRedis>>
  const prefix = uniquePrefix()
  beforeAll(async () => {
    connection = await connectNodeRedis()
  })
  afterAll(async () => {
    await deletePrefix(connection.client, prefix)
    expect(await keysUnder(connection.client, prefix)).toEqual([])
    connection.close()
  })

  it('finds the drifted sessions with SCAN and ends them with policy_changed', async () => {
    const ctx = deploy((now) => new RedisStore({ client: connection.client, prefix, now }))
    const s = await population(ctx)
    const report = await ctx.after.findDrift({ batch: 2 })
    expect(report.byReason).toEqual({ fingerprint: 1, unknown_policy: 1, over_idle: 1, over_absolute: 1 })
    expect(report.scanned).toBe(5)
    const fixed = await ctx.after.findDrift({ fix: true })
    expect(fixed.fixed).toBe(4)
    expect(ctx.events.filter((e) => e.type === 'session.revoked').map((e) => e.reason)).toEqual(
      Array(4).fill('policy_changed'),
    )
    expect(await ctx.after.validate(s.idle.token)).toMatchObject({ ok: false, reason: 'policy_changed' })
    expect((await ctx.after.validate(s.current.token)).ok).toBe(true)
    expect(await ctx.after.findDrift()).toMatchObject({ scanned: 1, found: 0 })
  })
})
