import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateHandle, subjectTag } from '../../../crypto/token'
import { createSessionManager } from '../../../manager/createSessionManager'
import type { StoredSession, StoreLimits } from '../../types'
import { RedisStore } from '../redisStore'
import { connectNodeRedis, deletePrefix, keySlot, keysUnder, uniquePrefix } from './helpers'

const MIN = 60_000
const T = Date.UTC(2026, 5, 1)
const limits: StoreLimits = {
  idleTimeout: 15 * MIN,
  absoluteTimeout: 60 * MIN,
  touchInterval: MIN,
  renewEvery: 10 * MIN,
  renewGrace: 30_000,
}
const policies = { default: limits }
const TTL = 5 * MIN

let connection: Awaited<ReturnType<typeof connectNodeRedis>>
const prefix = uniquePrefix()
const send = (args: string[]) => connection.client.sendCommand(args)
beforeAll(async () => {
  connection = await connectNodeRedis()
})
afterAll(async () => {
  await deletePrefix(connection.client, prefix)
  connection.close()
})

let serial = 0
async function create(overrides: Partial<StoredSession> = {}) {
  const store = new RedisStore({ client: connection.client, prefix })
  serial++
  const subject = overrides.subject ?? `subject-${serial}`
  const session: StoredSession = {
    handle: generateHandle({ subject }),
    subject,
    policy: 'default',
    fingerprint: 'f',
    authTime: T,
    createdAt: T,
    lastActivityAt: T,
    renewedAt: T,
    ...overrides,
  }
  const id = `${session.handle}.id-${serial}`
  await store.create({ id, session, limits, tombstoneTtl: TTL, now: T })
  const tag = subjectTag(session.subject)
  return {
    store,
    session,
    id,
    record: `${prefix}{${tag}}:s:${session.handle}`,
    index: `${prefix}{${tag}}:u`,
  }
}

const pttl = async (key: string) => Number(await send(['PTTL', key]))
/** The key expires `expected` ms after it was written (the test's own run time is the only slack). */
const expectTtl = async (key: string, expected: number) => {
  const left = await pttl(key)
  expect(left).toBeLessThanOrEqual(expected)
  expect(left).toBeGreaterThan(expected - MIN)
}

describe('RedisStore keys', () => {
  it("puts a session in two keys under its subject's hash tag: the record and the tag's index", async () => {
    const { record, index, session } = await create()
    const keys = await keysUnder(connection.client, prefix)
    expect(keys.sort()).toEqual([index, record].sort())
    expect(record).toBe(`${prefix}{${session.handle.slice(2, 6)}}:s:${session.handle}`)
    expect(Number(await send(['ZSCORE', index, session.handle]))).toBe(T + 15 * MIN + TTL)
    expect(keySlot(record)).toBe(keySlot(index))
  })

  it("keeps all of one subject's sessions in one slot, and the subjects spread over the slots", async () => {
    const a = await create({ subject: 'same-subject' })
    const b = await create({ subject: 'same-subject' })
    expect(a.index).toBe(b.index)
    expect(keySlot(a.record)).toBe(keySlot(b.record))
    const slots = new Set(
      Array.from({ length: 200 }, (_, i) => keySlot(`${prefix}{${subjectTag(`s-${i}`)}}:u`)),
    )
    expect(slots.size).toBeGreaterThan(190)
  })

  it('lets every key expire by itself at the deadline plus the tombstone TTL', async () => {
    const { record, index } = await create()
    for (const key of [record, index]) await expectTtl(key, 15 * MIN + TTL)
  })

  it('recomputes the expiry on each write, from the deadline that rules (absolute here)', async () => {
    const { store, record, id } = await create({ authTime: T - 50 * MIN })
    await expectTtl(record, 10 * MIN + TTL)
    await store.check({ id, activity: true, policies, tombstoneTtl: TTL, now: T + 5 * MIN })
    // Activity does not move the absolute deadline (T + 10 min): 5 min left, plus the tombstone TTL.
    await expectTtl(record, 5 * MIN + TTL)
  })

  it('does not write on a passive check', async () => {
    const { store, record, id } = await create()
    await send(['PERSIST', record])
    await store.check({ id, activity: false, policies, tombstoneTtl: TTL, now: T + 5 * MIN })
    expect(await pttl(record)).toBe(-1)
  })

  it('keeps a tombstone for tombstoneTtl and drops the session from its subject index', async () => {
    const { store, record, index, session } = await create()
    await store.revoke({ handle: session.handle, reason: 'revoked', tombstoneTtl: TTL, now: T + MIN })
    await expectTtl(record, TTL)
    expect(await send(['ZSCORE', index, session.handle])).toBeNull()
    expect(JSON.parse(String(await send(['GET', record])))).toMatchObject({ t: { reason: 'revoked' } })
  })

  it('keeps retired ids in the record, as long as their session, for reuse detection', async () => {
    const { store, id, record } = await create()
    await store.check({
      id,
      activity: true,
      policies,
      renew: { successorId: `${id}-b`, nonce: 'n' },
      tombstoneTtl: TTL,
      now: T + 10 * MIN,
    })
    await expectTtl(record, 15 * MIN + TTL)
    expect(JSON.parse(String(await send(['GET', record])))).toMatchObject({
      c: `${id}-b`,
      r: [{ i: id, s: `${id}-b`, n: 'n', g: T + 10 * MIN + 30_000 }],
    })
  })

  it('prunes the subject index of handles past their drop time when the subject logs in again', async () => {
    const { index, session, record } = await create()
    await send(['DEL', record])
    const later = new RedisStore({ client: connection.client, prefix })
    const handle = generateHandle({ subject: session.subject })
    const next = {
      ...session,
      handle,
      authTime: T + 2 * 60 * MIN,
      createdAt: T + 2 * 60 * MIN,
      lastActivityAt: T + 2 * 60 * MIN,
      renewedAt: T + 2 * 60 * MIN,
    }
    await later.create({
      id: `${handle}.again`,
      session: next,
      limits,
      tombstoneTtl: TTL,
      now: next.authTime,
    })
    expect(await send(['ZRANGE', index, '0', '-1'])).toEqual([handle])
  })

  it('round-trips application data exactly (Lua never parses it)', async () => {
    const data = {
      ratio: 0.1 + 0.2,
      big: Number.MAX_SAFE_INTEGER,
      text: 'Grüße ✓ "quoted" \\ /',
      nested: { list: [1, null, true] },
    }
    const { store, id } = await create({ data })
    const result = await store.check({ id, activity: false, policies, tombstoneTtl: TTL, now: T + MIN })
    expect(result).toMatchObject({ outcome: 'active', session: { data } })
  })

  it('stores no token, only its hash', async () => {
    const manager = createSessionManager({
      policy: { idleTimeout: '15m', absoluteTimeout: '1h' },
      store: new RedisStore({ client: connection.client, prefix }),
    })
    const { token } = await manager.create({ subject: 'token-check' })
    await manager.validate(token)
    const keys = await keysUnder(connection.client, prefix)
    const values = await Promise.all(
      keys.map((key) =>
        send(['TYPE', key]).then((type) =>
          type === 'string' ? send(['GET', key]) : send(['ZRANGE', key, '0', '-1']),
        ),
      ),
    )
    expect(JSON.stringify([keys, values])).not.toContain(token)
  })
})
