import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../../audit/events'
import { hashToken } from '../../../crypto/token'
import { createSessionManager } from '../../../manager/createSessionManager'
import { RedisStore } from '../redisStore'
import { REDIS_URL, uniquePrefix } from './helpers'

const POLICY = { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: 0, renewEvery: '1m' } as const

describe('manager.forgetSubject on a RedisStore', () => {
  const client = createClient({ url: REDIS_URL })
  const prefix = uniquePrefix()
  beforeAll(async () => {
    client.on('error', () => {})
    await client.connect()
  })
  afterAll(async () => {
    const left: string[] = []
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) left.push(...batch)
    if (left.length) await client.del(left)
    client.destroy()
  })

  /** Every key under the prefix with its full content, as SCAN finds them. */
  async function everything(): Promise<string> {
    const dump: string[] = []
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      for (const key of batch) {
        const type = await client.type(key)
        const value =
          type === 'string'
            ? await client.get(key)
            : type === 'hash'
              ? await client.hGetAll(key)
              : type === 'set'
                ? await client.sMembers(key)
                : type === 'zset'
                  ? await client.zRange(key, 0, -1)
                  : type
        dump.push(`${key} ${JSON.stringify(value)}`)
      }
    }
    return dump.join('\n')
  }

  it('leaves no key (or value) of the subject in Redis — SCAN proves it — and the other subjects intact', async () => {
    let time = Date.UTC(2026, 0, 1)
    const store = new RedisStore({ client, prefix, now: () => time })
    const events: AuditEvent[] = []
    const manager = createSessionManager({ policy: POLICY, store, audit: (e) => void events.push(e) })
    const subject = 'alice@example.com'
    const live = await manager.create({ subject })
    const renewed = await manager.create({ subject })
    time += 90_000
    const rotated = await manager.validate(renewed.token) // rotates: a retired id now points at it
    const ended = await manager.create({ subject })
    await manager.revoke(ended.token, 'logout') // a tombstone
    const other = await manager.create({ subject: 'bob' })
    expect(rotated.ok && rotated.token).toBeTruthy()
    const before = await everything()
    expect(before).toContain(live.session.handle)

    const eventsBefore = events.length
    expect(await manager.forgetSubject(subject)).toBe(3)
    const audited = events.slice(eventsBefore)

    const after = await everything()
    expect(after).not.toContain('alice')
    for (const created of [live, renewed, ended]) {
      expect(after).not.toContain(created.session.handle)
      expect(after).not.toContain(hashToken(created.token))
    }
    expect(after).toContain(other.session.handle)
    expect((await manager.validate(live.token)).ok).toBe(false)
    expect((await manager.validate(other.token)).ok).toBe(true)
    // What forgetSubject audited (the live sessions' ends, the erasure) names nobody.
    expect(audited.map((e) => e.type)).toEqual(['session.revoked', 'session.revoked', 'subject.forgotten'])
    expect(JSON.stringify(audited)).not.toContain('alice')
    await manager.close()
  })
})
