import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessionManager } from '../../../manager/createSessionManager'
import type { StoredSession, StoreLimits } from '../../types'
import { RedisStore } from '../redisStore'
import { connectNodeRedis, deletePrefix, keysUnder, uniquePrefix } from './helpers'

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
  const session: StoredSession = {
    handle: `s_keys${String(serial).padStart(12, '0')}`,
    subject: `subject-${serial}`,
    policy: 'default',
    fingerprint: 'f',
    authTime: T,
    createdAt: T,
    lastActivityAt: T,
    renewedAt: T,
    ...overrides,
  }
  const id = `id-${serial}`
  await store.create({ id, session, limits, tombstoneTtl: TTL, now: T })
  return {
    store,
    session,
    id,
    record: `${prefix}s:{${session.handle}}`,
    idKey: `${prefix}i:${id}`,
    index: `${prefix}u:${session.subject}`,
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
  it('puts a session under its prefix: record (hash-tagged by handle), token id, subject index', async () => {
    const { record, idKey, index, session } = await create()
    const keys = await keysUnder(connection.client, prefix)
    expect(keys.sort()).toEqual([idKey, index, record].sort())
    expect(record).toContain(`{${session.handle}}`)
    expect(Number(await send(['ZSCORE', index, session.handle]))).toBe(T + 15 * MIN + TTL)
  })

  it('lets every key expire by itself at the deadline plus the tombstone TTL', async () => {
    const { record, idKey, index } = await create()
    for (const key of [record, idKey, index]) await expectTtl(key, 15 * MIN + TTL)
  })

  it('recomputes the expiry on each write, from the deadline that rules (absolute here)', async () => {
    const { store, record, idKey, id } = await create({ authTime: T - 50 * MIN })
    await expectTtl(record, 10 * MIN + TTL)
    await store.check({ id, activity: true, policies, tombstoneTtl: TTL, now: T + 5 * MIN })
    // Activity does not move the absolute deadline (T + 10 min): 5 min left, plus the tombstone TTL.
    for (const key of [record, idKey]) await expectTtl(key, 5 * MIN + TTL)
  })

  it('does not write on a passive check', async () => {
    const { store, record, id } = await create()
    await send(['PERSIST', record])
    await store.check({ id, activity: false, policies, tombstoneTtl: TTL, now: T + 5 * MIN })
    expect(await pttl(record)).toBe(-1)
  })

  it('keeps a tombstone for tombstoneTtl and drops the session from its subject index', async () => {
    const { store, record, idKey, index, session } = await create()
    await store.revoke({ handle: session.handle, reason: 'revoked', tombstoneTtl: TTL, now: T + MIN })
    for (const key of [record, idKey]) await expectTtl(key, TTL)
    expect(await send(['ZSCORE', index, session.handle])).toBeNull()
    expect(JSON.parse(String(await send(['GET', record])))).toMatchObject({ t: { reason: 'revoked' } })
  })

  it('keeps retired ids as long as their session, for reuse detection', async () => {
    const { store, id, record } = await create()
    await store.check({
      id,
      activity: true,
      policies,
      renew: { successorId: `${id}-b`, nonce: 'n' },
      tombstoneTtl: TTL,
      now: T + 10 * MIN,
    })
    for (const key of [record, `${prefix}i:${id}`, `${prefix}i:${id}-b`]) await expectTtl(key, 15 * MIN + TTL)
  })

  it('prunes the subject index of handles past their drop time when the subject logs in again', async () => {
    const { index, session } = await create()
    await send(['DEL', `${prefix}s:{${session.handle}}`])
    const later = new RedisStore({ client: connection.client, prefix })
    const handle = 's_keys_again00000'
    const next = {
      ...session,
      handle,
      authTime: T + 2 * 60 * MIN,
      createdAt: T + 2 * 60 * MIN,
      lastActivityAt: T + 2 * 60 * MIN,
      renewedAt: T + 2 * 60 * MIN,
    }
    await later.create({ id: 'id-again', session: next, limits, tombstoneTtl: TTL, now: next.authTime })
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
