import { spareRedis } from '@curfew/testing'
import { createClient } from 'redis'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AuditEvent } from '../../../audit/events'
import { createSessionManager } from '../../../manager/createSessionManager'
import type { SessionManagerOptions } from '../../../manager/options'
import type { ValidateResult } from '../../../types'
import type { RedisClientLike } from '../client'
import { RedisStore } from '../redisStore'
import { clients, uniquePrefix } from './helpers'

const policy = { idleTimeout: '15m', absoluteTimeout: '1h' }
const modes = [
  ['deny', 401],
  ['unavailable', 503],
] as const
const cases = clients.flatMap(([name, connect]) =>
  modes.map(([mode, status]) => ({ name, connect, mode, status })),
)

let spare: Awaited<ReturnType<typeof spareRedis>>
const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => {
  unhandled.push(reason)
}
beforeEach(async () => {
  unhandled.length = 0
  process.on('unhandledRejection', onUnhandled)
  spare = await spareRedis()
})
afterEach(async () => {
  // The child always goes, whatever the test did.
  await spare.stop()
  process.off('unhandledRejection', onUnhandled)
})

function managerOn(
  client: RedisClientLike,
  options: Partial<SessionManagerOptions> = {},
  prefix: string = uniquePrefix(),
) {
  const events: AuditEvent[] = []
  const manager = createSessionManager({
    policy,
    store: new RedisStore({ client, prefix }),
    audit: (event) => {
      events.push(event)
    },
    ...options,
  })
  return { manager, events, eventsOf: (type: AuditEvent['type']) => events.filter((e) => e.type === type) }
}

const failedClosed = (status: number) => (r: ValidateResult) =>
  !r.ok && r.reason === 'store_unavailable' && r.httpStatus === status

describe.each(cases)('Redis outage ($name, onStoreError: $mode)', ({ connect, mode, status }) => {
  it(`fails closed with ${status} when redis-server dies mid-load, audits once, and resumes after a restart`, async () => {
    const connection = await connect(spare.url)
    try {
      const { manager, eventsOf } = managerOn(connection.client, { onStoreError: mode, storeTimeout: 1000 })
      const sessions = await Promise.all(
        Array.from({ length: 5 }, (_, i) => manager.create({ subject: `u${i}` })),
      )
      const wave = () =>
        Promise.all(Array.from({ length: 40 }, (_, i) => manager.validate(sessions[i % 5]!.token)))

      const before = await wave()
      expect(before.every((r) => r.ok)).toBe(true)
      // Kill the server while a wave is in flight.
      const [during] = await Promise.all([wave(), spare.stop()])
      const after = [await wave(), await wave(), await wave()].flat()

      expect(during.every((r) => r.ok || failedClosed(status)(r))).toBe(true)
      expect(after.every(failedClosed(status))).toBe(true)
      expect(eventsOf('store.unavailable')).toHaveLength(1)
      expect(eventsOf('session.expired')).toEqual([])
      // Reported to the client's listener, not thrown. ioredis reports on its first failed reconnect,
      // which may come after the waves above were already refused (offline queue off), so wait for it.
      await vi.waitFor(() => expect(connection.errors.length).toBeGreaterThan(0), { timeout: 5_000 })

      await spare.start()
      await connection.ready()
      // This redis-server keeps nothing across a restart: old sessions are gone (401 unknown, never
      // accepted), new ones work — without restarting the app, and with the script re-sent after NOSCRIPT.
      expect(await manager.validate(sessions[0]!.token)).toMatchObject({
        ok: false,
        reason: 'unknown',
        httpStatus: 401,
      })
      const fresh = await manager.create({ subject: 'u0' })
      expect(await manager.validate(fresh.token)).toMatchObject({ ok: true })
      expect(eventsOf('store.recovered')).toHaveLength(1)
      expect(eventsOf('store.unavailable')).toHaveLength(1)
      // One node is one failure domain: the events name no shard.
      expect(eventsOf('store.unavailable')[0]!.meta).toEqual({ error: expect.any(String) })
      expect(eventsOf('store.recovered')[0]!.meta).toEqual({ downtimeMs: expect.any(Number) })
      expect(unhandled).toEqual([])
    } finally {
      connection.close()
    }
  })
})

describe.each(clients)('Redis outage with the client library defaults (%s)', (_name, connect) => {
  it('still answers within the manager storeTimeout when the client queues commands while offline', async () => {
    const connection = await connect(spare.url, { defaults: true })
    try {
      const { manager, eventsOf } = managerOn(connection.client, {
        onStoreError: 'unavailable',
        storeTimeout: 300,
      })
      const { token } = await manager.create({ subject: 'u1' })
      await spare.stop()
      const results = await Promise.all(Array.from({ length: 20 }, () => manager.validate(token)))
      expect(results.every(failedClosed(503))).toBe(true)
      expect(eventsOf('store.unavailable')).toHaveLength(1)
      await spare.start()
      await connection.ready()
      const fresh = await manager.create({ subject: 'u1' })
      expect(await manager.validate(fresh.token)).toMatchObject({ ok: true })
      expect(unhandled).toEqual([])
    } finally {
      connection.close()
    }
  })
})

describe.each(clients)('Redis too slow (%s)', (_name, connect) => {
  it('audits the revokes abandoned at storeTimeout that Redis ran late, once', async () => {
    const connection = await connect(spare.url)
    const admin = createClient({ url: spare.url })
    admin.on('error', () => {})
    await admin.connect()
    try {
      // `manager` gives up after 300 ms, shorter than the pause; `patient` (same sessions) does the
      // steps before and after the pause, which a busy machine can stall past 300 ms.
      const prefix = uniquePrefix()
      const { manager, eventsOf } = managerOn(
        connection.client,
        { onStoreError: 'unavailable', storeTimeout: 300 },
        prefix,
      )
      const patient = managerOn(connection.client, { storeTimeout: 10_000 }, prefix)
      const one = await patient.manager.create({ subject: 'u1' })
      const many = await Promise.all([
        patient.manager.create({ subject: 'u2' }),
        patient.manager.create({ subject: 'u2' }),
      ])
      // Paused longer than storeTimeout, shorter than the client's own command timeout: the manager
      // gives up on both revokes, the client still sends them, and Redis runs them late.
      await admin.sendCommand(['CLIENT', 'PAUSE', '700', 'ALL'])
      const pauseOver = admin.sendCommand(['PING'])
      await expect(manager.revoke(one.token)).rejects.toMatchObject({ code: 'store_timeout' })
      await expect(manager.revokeSubject('u2')).rejects.toMatchObject({ code: 'store_timeout' })
      await pauseOver
      const revoked = () =>
        eventsOf('session.revoked')
          .map((e) => e.session)
          .sort()
      const expected = [one, ...many].map((s) => s.session.handle).sort()
      await vi.waitFor(() => expect(revoked()).toEqual(expected), { timeout: 5_000 })
      // They happened: refused as revoked, and a retry finds nothing left to revoke or to audit.
      for (const s of [one, ...many]) {
        expect(await patient.manager.validate(s.token)).toMatchObject({ ok: false, reason: 'revoked' })
      }
      expect(await patient.manager.revoke(one.token)).toBe(false)
      expect(await patient.manager.revokeSubject('u2')).toBe(0)
      expect(revoked()).toEqual(expected)
      expect(patient.eventsOf('session.revoked')).toEqual([])
      expect(unhandled).toEqual([])
    } finally {
      admin.destroy()
      connection.close()
    }
  })

  it('audits the end a check abandoned at storeTimeout wrote when Redis ran it late, once', async () => {
    const connection = await connect(spare.url)
    const admin = createClient({ url: spare.url })
    admin.on('error', () => {})
    await admin.connect()
    const redisTime = async () => {
      const [s, us] = (await admin.sendCommand(['TIME'])) as [string, string]
      return Number(s) * 1000 + Math.floor(Number(us) / 1000)
    }
    try {
      // `manager` gives up after 300 ms, shorter than the pause; `patient` (same sessions) does the
      // steps before and after the pause, which a busy machine can stall past 300 ms.
      const prefix = uniquePrefix()
      const shortIdle = { policy: { idleTimeout: '1s', absoluteTimeout: '1h' } }
      const { manager, eventsOf } = managerOn(
        connection.client,
        { ...shortIdle, onStoreError: 'unavailable', storeTimeout: 300 },
        prefix,
      )
      const patient = managerOn(connection.client, { ...shortIdle, storeTimeout: 10_000 }, prefix)
      const createdAt = await redisTime()
      const { token, session } = await patient.manager.create({ subject: 'u1' })
      while ((await redisTime()) <= createdAt + 2000) await new Promise((r) => setTimeout(r, 50))
      // Paused longer than storeTimeout, shorter than the client's own command timeout: the manager
      // gives up on the check, the client still sends it, and Redis runs it (and ends the session) late.
      await admin.sendCommand(['CLIENT', 'PAUSE', '700', 'ALL'])
      const pauseOver = admin.sendCommand(['PING'])
      expect(await manager.validate(token, { activity: false })).toMatchObject({
        ok: false,
        reason: 'store_unavailable',
      })
      await pauseOver
      await vi.waitFor(() => expect(eventsOf('session.expired')).toHaveLength(1), { timeout: 5_000 })
      expect(eventsOf('session.expired')[0]).toMatchObject({ session: session.handle, reason: 'idle' })
      // Every later check finds the tombstone: refused, and no second audit.
      expect(await patient.manager.validate(token)).toMatchObject({ ok: false, reason: 'idle' })
      expect(eventsOf('session.expired')).toHaveLength(1)
      expect(patient.eventsOf('session.expired')).toEqual([])
      expect(unhandled).toEqual([])
    } finally {
      admin.destroy()
      connection.close()
    }
  })

  it('gives up at storeTimeout while Redis is paused, then serves again when it answers', async () => {
    const connection = await connect(spare.url)
    // A plain client (no command timeout) to pause the server and to learn when the pause ends.
    const admin = createClient({ url: spare.url })
    admin.on('error', () => {})
    await admin.connect()
    try {
      const { manager, eventsOf } = managerOn(connection.client, {
        onStoreError: 'unavailable',
        storeTimeout: 300,
      })
      const { token } = await manager.create({ subject: 'u1' })
      await admin.sendCommand(['CLIENT', 'PAUSE', '3000', 'ALL'])
      const order: string[] = []
      const pauseOver = admin.sendCommand(['PING']).then(() => order.push('redis answers again'))
      const slow = await manager.validate(token)
      order.push('request answered')
      expect(slow).toMatchObject({ ok: false, reason: 'store_unavailable', httpStatus: 503 })
      expect(eventsOf('store.unavailable')).toEqual([expect.objectContaining({ reason: 'store_timeout' })])
      await pauseOver
      // The request was answered while Redis was still paused: the bound held.
      expect(order).toEqual(['request answered', 'redis answers again'])
      expect(await manager.validate(token)).toMatchObject({ ok: true })
      expect(eventsOf('store.recovered')).toHaveLength(1)
      expect(unhandled).toEqual([])
    } finally {
      admin.destroy()
      connection.close()
    }
  })
})
