import { formatSessionHeader, isCurfewError } from '@curfew/core'
import { decodeJwt } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../audit/events'
import { generateHandle } from '../../crypto/token'
import { sessionCookie } from '../../http/cookie'
import { createSessionManager } from '../../manager/createSessionManager'
import { MemoryStore } from '../memory/memoryStore'
import { connectNodeRedis, deletePrefix, uniquePrefix } from '../redis/__tests__/helpers'
import { sessionKeys } from '../redis/keys'
import { judgeRead, parseRecord, readWillDo, toWire } from '../redis/record'
import { RedisStore } from '../redis/redisStore'
import type { SessionStore, StoredSession, StoreLimits } from '../types'

const MIN = 60_000
const T0 = Date.UTC(2026, 0, 1, 12)
const TTL = 5 * MIN
// Idle 30 min, absolute 60 min; every notAfter below (T0 + 10 min) comes before both.
const limits: StoreLimits = {
  idleTimeout: 30 * MIN,
  absoluteTimeout: 60 * MIN,
  touchInterval: MIN,
  renewEvery: 0,
  renewGrace: 0,
}
const policies = Object.freeze({ default: limits })
const NOT_AFTER = T0 + 10 * MIN

let redis: Awaited<ReturnType<typeof connectNodeRedis>>
const prefix = uniquePrefix()
beforeAll(async () => {
  redis = await connectNodeRedis()
})
afterAll(async () => {
  await deletePrefix(redis.client, prefix)
  redis.close()
})

/** Each store on an injected clock (Redis: `now` replaces `TIME` for every decision). */
const stores: Array<[string, (clock: { t: number }) => SessionStore]> = [
  ['MemoryStore', (clock) => new MemoryStore({ sweepInterval: 0, now: () => clock.t })],
  ['RedisStore', (clock) => new RedisStore({ client: redis.client, prefix, now: () => clock.t })],
]

function record(overrides: Partial<StoredSession> = {}): { id: string; session: StoredSession } {
  const subject = `subject-${Math.random().toString(36).slice(2)}`
  const handle = generateHandle({ subject })
  const session: StoredSession = {
    handle,
    subject,
    policy: 'default',
    fingerprint: 'p1_test',
    authTime: T0,
    createdAt: T0,
    lastActivityAt: T0,
    renewedAt: T0,
    notAfter: NOT_AFTER,
    ...overrides,
  }
  return { id: `${handle}.${Math.random().toString(36).slice(2)}`, session }
}

describe.each(stores)('%s: a per-session notAfter', (name, makeStore) => {
  const opened: SessionStore[] = []
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close?.()))
  })
  function open(clock: { t: number }): SessionStore {
    const store = makeStore(clock)
    opened.push(store)
    return store
  }

  it('ends the session at notAfter (reason absolute), however recent its activity, exactly once', async () => {
    const clock = { t: T0 }
    const store = open(clock)
    const { id, session } = await record()
    await store.create({ id, session, limits, tombstoneTtl: TTL })
    clock.t = NOT_AFTER - 2 * MIN
    const touched = await store.check({ id, activity: true, policies, tombstoneTtl: TTL })
    expect(touched).toMatchObject({ outcome: 'active', touched: true, session: { notAfter: NOT_AFTER } })
    // A passive check a moment before (on Redis, the plain-read path) still sees it live.
    clock.t = NOT_AFTER - 1
    expect(await store.check({ id, activity: false, policies, tombstoneTtl: TTL })).toMatchObject({
      outcome: 'active',
    })
    clock.t = NOT_AFTER
    expect(await store.check({ id, activity: false, policies, tombstoneTtl: TTL })).toMatchObject({
      outcome: 'ended',
      reason: 'absolute',
      first: true,
      tombstone: { endedAt: NOT_AFTER },
    })
    expect(await store.check({ id, activity: true, policies, tombstoneTtl: TTL })).toMatchObject({
      outcome: 'ended',
      reason: 'absolute',
      first: false,
    })
  })

  it('is judged by a second instance that never saw the session (the script path on Redis)', async () => {
    const clock = { t: T0 }
    const { id, session } = await record()
    await open(clock).create({ id, session, limits, tombstoneTtl: TTL })
    if (name === 'MemoryStore') return // one process, one map: nothing more to show
    const other = open(clock)
    clock.t = NOT_AFTER
    expect(await other.check({ id, activity: false, policies, tombstoneTtl: TTL })).toMatchObject({
      outcome: 'ended',
      reason: 'absolute',
      first: true,
    })
  })

  it('never lengthens the policy: a notAfter past the absolute deadline changes nothing', async () => {
    const clock = { t: T0 }
    const store = open(clock)
    const { id, session } = await record({ notAfter: T0 + 120 * MIN })
    await store.create({ id, session, limits, tombstoneTtl: TTL })
    for (let minute = 25; minute <= 55; minute += 10) {
      clock.t = T0 + minute * MIN
      await store.check({ id, activity: true, policies, tombstoneTtl: TTL })
    }
    clock.t = T0 + 60 * MIN
    expect(await store.check({ id, activity: true, policies, tombstoneTtl: TTL })).toMatchObject({
      outcome: 'ended',
      reason: 'absolute',
      tombstone: { endedAt: T0 + 60 * MIN },
    })
  })

  it('keeps the record no longer than notAfter plus the tombstone TTL', async () => {
    const clock = { t: T0 }
    const store = open(clock)
    const { id, session } = await record()
    await store.create({ id, session, limits, tombstoneTtl: TTL })
    if (store instanceof MemoryStore) {
      const [entry] = store.dump().sessions as Array<{ dropAt: number }>
      expect(entry?.dropAt).toBe(NOT_AFTER + TTL)
      return
    }
    // The Lua script computed the key's expiry from notAfter (without it: idle 30 min + TTL).
    const key = sessionKeys(prefix, session.handle).record
    expect(key).toBe(`${prefix}{${session.handle.slice(2, 6)}}:s:${session.handle}`)
    const pttl = Number(await redis.client.sendCommand(['PTTL', key]))
    expect(pttl).toBeGreaterThan(NOT_AFTER + TTL - T0 - MIN)
    expect(pttl).toBeLessThanOrEqual(NOT_AFTER + TTL - T0)
  })

  it('through the manager: status, Curfew-Session header, cookie, access token and audit honour it', async () => {
    const clock = { t: T0 }
    const store = open(clock)
    const events: AuditEvent[] = []
    const manager = createSessionManager({
      policy: { idleTimeout: '30m', absoluteTimeout: '1h', touchInterval: '1m' },
      store,
      tokens: { secret: 'a-test-secret-of-at-least-32-bytes!!', accessTokenTtl: '1h' },
      audit: (event) => {
        events.push(event)
      },
    })
    try {
      const created = await manager.create({ subject: 'u-not-after', notAfter: NOT_AFTER })
      expect(created.session.notAfter).toBe(NOT_AFTER)
      expect(created.status).toMatchObject({ absoluteExpiresAt: NOT_AFTER, expiresBy: 'absolute' })
      expect(events.find((event) => event.type === 'session.created')).toMatchObject({ notAfter: NOT_AFTER })

      clock.t = T0 + 5 * MIN
      const live = await manager.validate(created.token)
      if (!live.ok) throw new Error(`expected a live session, got ${live.reason}`)
      expect(live.status).toMatchObject({ absoluteExpiresAt: NOT_AFTER, expiresAt: NOT_AFTER })
      expect(formatSessionHeader(live.status)).toContain(`a=${NOT_AFTER}; b=absolute`)
      const cookie = sessionCookie({
        settings: { name: 'sid', secure: false, sameSite: 'lax', domain: undefined },
        token: created.token,
        status: live.status,
      })
      expect(cookie).toContain(`Max-Age=${(NOT_AFTER - clock.t) / 1000}`)
      const { exp } = decodeJwt(await manager.issueAccessToken(live.session))
      expect(exp).toBe(NOT_AFTER / 1000) // the token's own ttl (1 h) would reach past notAfter
      expect((await manager.list('u-not-after'))[0]).toMatchObject({ notAfter: NOT_AFTER })

      clock.t = NOT_AFTER
      expect(await manager.validate(created.token)).toMatchObject({ ok: false, reason: 'absolute' })
      expect(await manager.validate(created.token)).toMatchObject({ ok: false, reason: 'absolute' })
      expect(events.filter((event) => event.type === 'session.expired')).toMatchObject([
        { reason: 'absolute' },
      ])

      // A cap already past would start a dead session: refused before the store is touched.
      const refused = await manager.create({ subject: 'u2', notAfter: clock.t }).catch((error) => error)
      expect(isCurfewError(refused, 'invalid_option')).toBe(true)
      const junk = await manager.create({ subject: 'u2', notAfter: Number.NaN }).catch((error) => error)
      expect(isCurfewError(junk, 'invalid_option')).toBe(true)
    } finally {
      await manager.close()
    }
  })
})

describe('RedisStore plain-read path with notAfter', () => {
  const input = { activity: false, policies } as const
  it('decides nothing at or past notAfter: the script records the expiry', () => {
    const { id, session } = record()
    const wire = parseRecord(JSON.stringify({ s: toWire(session), c: id }))
    expect(judgeRead({ record: wire, input: { ...input, id }, now: NOT_AFTER - 1 })).toMatchObject({
      outcome: 'active',
    })
    expect(judgeRead({ record: wire, input: { ...input, id }, now: NOT_AFTER })).toBeUndefined()
    expect(readWillDo({ seen: { c: id, s: session }, input: { ...input, id }, now: NOT_AFTER - 1 })).toBe(
      true,
    )
    expect(readWillDo({ seen: { c: id, s: session }, input: { ...input, id }, now: NOT_AFTER })).toBe(false)
  })
})
