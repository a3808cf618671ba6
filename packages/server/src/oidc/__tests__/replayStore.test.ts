import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { MemoryReplayStore, RedisReplayStore } from '../replayStore'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

describe('MemoryReplayStore', () => {
  it('lets a value be claimed once until its time to live passes', async () => {
    const clock = { t: 1_000 }
    const store = new MemoryReplayStore({ now: () => clock.t })
    expect(await store.claim('a', 100)).toBe(true)
    expect(await store.claim('a', 100)).toBe(false)
    clock.t += 100
    expect(await store.claim('a', 100)).toBe(true)
  })

  it('stays within its bound, forgetting the oldest values first', async () => {
    const store = new MemoryReplayStore({ maxEntries: 2, now: () => 0 })
    await store.claim('a', 1000)
    await store.claim('b', 1000)
    await store.claim('c', 1000)
    expect(await store.claim('a', 1000)).toBe(true)
    expect(await store.claim('c', 1000)).toBe(false)
  })
})

describe('RedisReplayStore', () => {
  const redis = new Redis(REDIS_URL)
  const prefix = `curfew-test:${randomUUID()}:`
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
  })

  it('lets exactly one of many concurrent claims across servers win', async () => {
    const a = new RedisReplayStore({ client: redis, prefix })
    const other = new Redis(REDIS_URL)
    try {
      const b = new RedisReplayStore({ client: other, prefix })
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claim('jti-1', 5000)),
      )
      expect(results.filter(Boolean)).toHaveLength(1)
    } finally {
      other.disconnect()
    }
  })

  it('keeps a claimed value for its time to live only, under a hashed key', async () => {
    const store = new RedisReplayStore({ client: redis, prefix })
    expect(await store.claim('iss\njti-2', 60_000)).toBe(true)
    const keys = await redis.keys(`${prefix}*`)
    expect(keys.every((key) => !key.includes('jti-2'))).toBe(true)
    const ttl = await redis.pttl(keys.find((k) => k.startsWith(`${prefix}replay:`))!)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(60_000)
  })
})
