import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { RedisOidcSessionLinks } from '../redisLinks'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

describe('RedisOidcSessionLinks', () => {
  const redis = new Redis(REDIS_URL)
  const prefix = `curfew-test:${randomUUID()}:`
  // A `{ send }` client whose GET replies come late, so that two read-then-write updates would both
  // read before either writes (and the second would write back the first one's stale copy).
  const slow = {
    async send(args: readonly string[]) {
      const reply = await redis.call(args[0]!, ...args.slice(1))
      if (args[0] === 'GET') await sleep(50)
      return reply
    },
  }
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
  })

  const link = (handle: string) => ({
    handle,
    iss: 'https://idp.example/',
    sub: 'user-1',
    sid: `sid-${handle}`,
    sealedTokens: 'sealed-0',
    checkedAt: 1_796_000_000_000,
  })

  it('indexes a link by (iss, sid) and (iss, sub) and forgets it on remove', async () => {
    const links = new RedisOidcSessionLinks({ client: redis, prefix })
    await links.put(link('s_aaaa1'), 60_000)
    expect(await links.get('s_aaaa1')).toEqual(link('s_aaaa1'))
    expect(await links.handles({ iss: 'https://idp.example/', sid: 'sid-s_aaaa1' })).toEqual(['s_aaaa1'])
    expect(await links.handles({ iss: 'https://idp.example/', sub: 'user-1' })).toContain('s_aaaa1')
    await links.remove('s_aaaa1')
    expect(await links.get('s_aaaa1')).toBeUndefined()
    expect(await links.handles({ iss: 'https://idp.example/', sid: 'sid-s_aaaa1' })).toEqual([])
  })

  it('updates atomically: concurrent updates of different fields both land, the TTL stays', async () => {
    const links = new RedisOidcSessionLinks({ client: slow, prefix })
    await links.put(link('s_bbbb2'), 60_000)
    await Promise.all([
      links.update('s_bbbb2', { sealedTokens: 'sealed-rotated' }),
      links.update('s_bbbb2', { checkedAt: 1_796_000_060_000 }),
    ])
    expect(await links.get('s_bbbb2')).toEqual({
      ...link('s_bbbb2'),
      sealedTokens: 'sealed-rotated',
      checkedAt: 1_796_000_060_000,
    })
    const ttl = await redis.pttl(`${prefix}oidc:link:{h:s_bbbb2}`)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(60_000)
  })

  it('never brings back a link that ended (update after remove writes nothing)', async () => {
    const links = new RedisOidcSessionLinks({ client: redis, prefix })
    await links.put(link('s_cccc3'), 60_000)
    await links.remove('s_cccc3')
    await links.update('s_cccc3', { checkedAt: 1 })
    expect(await redis.exists(`${prefix}oidc:link:{h:s_cccc3}`)).toBe(0)
  })
})
