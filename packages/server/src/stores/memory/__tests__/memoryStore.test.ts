import { afterEach, describe, expect, it, vi } from 'vitest'
import type { StoreLimits } from '../../types'
import { MemoryStore } from '../memoryStore'

const MIN = 60_000
const T0 = Date.UTC(2026, 0, 1)
const limits: StoreLimits = {
  idleTimeout: 15 * MIN,
  absoluteTimeout: 60 * MIN,
  touchInterval: MIN,
  renewEvery: 0,
  renewGrace: 0,
}
const TTL = 5 * MIN

function session(n: number, at = T0) {
  return {
    handle: `s_${String(n).padStart(16, '0')}`,
    subject: `u${n % 10}`,
    policy: 'default',
    fingerprint: 'p1',
    authTime: at,
    createdAt: at,
    lastActivityAt: at,
    renewedAt: at,
  }
}

describe('MemoryStore', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('forgets sessions and tombstones once their deadline plus the tombstone TTL has passed', async () => {
    const store = new MemoryStore({ sweepInterval: 0 })
    for (let i = 0; i < 100; i++) {
      await store.create({ id: `id${i}`, session: session(i), limits, tombstoneTtl: TTL, now: T0 })
    }
    await store.revoke({ id: 'id0', reason: 'revoked', tombstoneTtl: TTL, now: T0 })
    expect(store.size).toBe(100)
    expect(store.sweep(T0 + TTL)).toBe(1)
    expect(store.sweep(T0 + 15 * MIN + TTL - 1)).toBe(0)
    expect(store.sweep(T0 + 15 * MIN + TTL)).toBe(99)
    expect(store.size).toBe(0)
    expect(store.dump()).toEqual({ sessions: [], ids: [] })
    expect((await store.list({ subject: 'u1', now: T0 })).sessions).toEqual([])
  })

  it('keeps an active session that was extended past its first scheduled sweep', async () => {
    const store = new MemoryStore({ sweepInterval: 0 })
    await store.create({ id: 'a', session: session(1), limits, tombstoneTtl: TTL, now: T0 })
    const policies = { default: limits }
    await store.check({ id: 'a', activity: true, policies, tombstoneTtl: TTL, now: T0 + 10 * MIN })
    expect(store.sweep(T0 + 20 * MIN)).toBe(0)
    const result = await store.check({
      id: 'a',
      activity: false,
      policies,
      tombstoneTtl: TTL,
      now: T0 + 24 * MIN,
    })
    expect(result.outcome).toBe('active')
    expect(store.sweep(T0 + 25 * MIN + TTL)).toBe(1)
  })

  it('sweeps on its unref()ed timer using its clock', async () => {
    vi.useFakeTimers({ now: T0 })
    const store = new MemoryStore({ sweepInterval: MIN })
    await store.create({ id: 'a', session: session(1), limits, tombstoneTtl: TTL, now: T0 })
    await vi.advanceTimersByTimeAsync(20 * MIN)
    expect(store.size).toBe(0)
    await store.close()
  })

  it('bounds the retired ids it keeps per session', async () => {
    const store = new MemoryStore({ sweepInterval: 0, maxRetiredIds: 2 })
    const renewing = { ...limits, renewEvery: MIN, renewGrace: 1000 }
    await store.create({ id: 'id0', session: session(1), limits: renewing, tombstoneTtl: TTL, now: T0 })
    for (let i = 1; i <= 5; i++) {
      const result = await store.check({
        id: `id${i - 1}`,
        activity: true,
        policies: { default: renewing },
        tombstoneTtl: TTL,
        now: T0 + i * MIN,
        renew: { successorId: `id${i}`, nonce: `n${i}` },
      })
      expect(result).toMatchObject({ outcome: 'active', renewal: { rotated: true } })
    }
    expect(
      store
        .dump()
        .ids.map(([id]) => id)
        .sort(),
    ).toEqual(['id3', 'id4', 'id5'])
  })

  it('keeps a private, deeply frozen copy of session data', async () => {
    const store = new MemoryStore({ sweepInterval: 0 })
    const data = { role: 'admin', nested: { tags: ['a'] } }
    await store.create({ id: 'id1', session: { ...session(1), data }, limits, tombstoneTtl: TTL, now: T0 })
    data.role = 'changed'
    data.nested.tags.push('b')
    const result = await store.check({
      id: 'id1',
      activity: false,
      policies: { default: limits },
      tombstoneTtl: TTL,
      now: T0,
    })
    if (result.outcome !== 'active') throw new Error(`expected active, got ${result.outcome}`)
    expect(result.session.data).toEqual({ role: 'admin', nested: { tags: ['a'] } })
    expect(Object.isFrozen(result.session.data)).toBe(true)
    expect(Object.isFrozen((result.session.data as { nested: object }).nested)).toBe(true)
    expect(Object.isFrozen((result.session.data as { nested: { tags: string[] } }).nested.tags)).toBe(true)
  })

  it('answers a retired id presented after the session moved past its successor with a full renewed tombstone', async () => {
    const store = new MemoryStore({ sweepInterval: 0 })
    const renewing = { ...limits, renewEvery: MIN, renewGrace: 2 * MIN, touchInterval: 0 }
    const policies = { default: renewing }
    await store.create({ id: 'a', session: session(1), limits: renewing, tombstoneTtl: TTL, now: T0 })
    const check = (id: string, at: number, successorId: string) =>
      store.check({
        id,
        activity: true,
        policies,
        tombstoneTtl: TTL,
        now: at,
        renew: { successorId, nonce: `n-${successorId}` },
      })
    expect(await check('a', T0 + MIN, 'b')).toMatchObject({ outcome: 'active', renewal: { rotated: true } })
    expect(await check('b', T0 + 2 * MIN, 'c')).toMatchObject({
      outcome: 'active',
      renewal: { rotated: true },
    })
    // 'a' is within its grace window, but its successor 'b' is itself retired: refused, session unharmed.
    const stale = await check('a', T0 + 2.5 * MIN, 'x')
    expect(stale).toEqual({
      outcome: 'ended',
      now: T0 + 2.5 * MIN,
      reason: 'renewed',
      first: false,
      tombstone: {
        handle: session(1).handle,
        subject: 'u1',
        policy: 'default',
        fingerprint: 'p1',
        reason: 'renewed',
        endedAt: T0 + 2.5 * MIN,
      },
    })
    expect(await check('c', T0 + 2.5 * MIN, 'y')).toMatchObject({ outcome: 'active' })
  })

  it('scans live records only, yielding the event loop after every count records', async () => {
    const store = new MemoryStore({ sweepInterval: 0 })
    for (let i = 0; i < 5; i++) {
      await store.create({ id: `id${i}`, session: session(i), limits, tombstoneTtl: TTL, now: T0 })
    }
    await store.revoke({ id: 'id2', reason: 'revoked', tombstoneTtl: TTL, now: T0 })
    const yields = vi.spyOn(globalThis, 'setImmediate')
    const seen: string[] = []
    try {
      for await (const record of store.scan({ count: 2 })) seen.push(record.handle)
      // Five records read (the tombstone counts as read, not yielded): a turn after the 2nd and the 4th.
      expect(yields).toHaveBeenCalledTimes(2)
    } finally {
      yields.mockRestore()
    }
    expect(seen).toEqual([0, 1, 3, 4].map((i) => session(i).handle))
  })

  it('drops at most 32 expired entries per request, leaving the rest to the timer sweep', async () => {
    const store = new MemoryStore({ sweepInterval: 0 })
    for (let i = 0; i < 100; i++) {
      await store.create({ id: `id${i}`, session: session(i), limits, tombstoneTtl: TTL, now: T0 })
    }
    const later = T0 + 15 * MIN + TTL
    await store.check({
      id: 'none',
      activity: false,
      policies: { default: limits },
      tombstoneTtl: TTL,
      now: later,
    })
    expect(store.size).toBe(68)
    expect(store.sweep(later)).toBe(68)
    expect(store.size).toBe(0)
  })
  it('exposes its clock as time() only when given one, and answers every call by it when no now is passed', async () => {
    expect(new MemoryStore({ sweepInterval: 0 }).time).toBeUndefined()
    let clock = T0
    const store = new MemoryStore({ sweepInterval: 0, now: () => clock })
    expect(await store.time?.()).toBe(T0)
    clock = T0 + MIN
    expect(await store.time?.()).toBe(T0 + MIN)
    expect(await store.create({ id: 'a', session: session(1), limits, tombstoneTtl: TTL })).toEqual({
      now: T0 + MIN,
    })
    expect((await store.list({ subject: 'u1' })).now).toBe(T0 + MIN)
    expect(await store.forgetSubject({ subject: 'nobody' })).toEqual({ now: T0 + MIN, forgotten: 0 })
  })

  it('sweeps every 30 s by default, and stops sweeping once closed', async () => {
    vi.useFakeTimers({ now: T0 })
    const store = new MemoryStore()
    await store.create({ id: 'a', session: session(1), limits, tombstoneTtl: 0, now: T0 })
    await vi.advanceTimersByTimeAsync(15 * MIN)
    // Idle deadline T0 + 15 min, no tombstone TTL: the 30th 30-second tick, at exactly that instant, drops it.
    expect(store.size).toBe(0)
    await store.create({
      id: 'b',
      session: session(2, T0 + 15 * MIN),
      limits,
      tombstoneTtl: 0,
      now: T0 + 15 * MIN,
    })
    // Its deadline is T0 + 30 min: the ticks before it keep it, the tick at T0 + 30 min drops it.
    await vi.advanceTimersByTimeAsync(15 * MIN - 1)
    expect(store.size).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(store.size).toBe(0)

    const closed = new MemoryStore({ sweepInterval: MIN })
    await closed.create({
      id: 'c',
      session: session(3, T0 + 30 * MIN),
      limits,
      tombstoneTtl: 0,
      now: T0 + 30 * MIN,
    })
    await closed.close()
    await vi.advanceTimersByTimeAsync(60 * MIN)
    expect(closed.size).toBe(1)
  })

  it('stores no data key for a session created without data, and freezes nulls and arrays inside data', async () => {
    const store = new MemoryStore({ sweepInterval: 0 })
    const policies = { default: limits }
    await store.create({ id: 'plain', session: session(1), limits, tombstoneTtl: TTL, now: T0 })
    const plain = await store.check({ id: 'plain', activity: false, policies, tombstoneTtl: TTL, now: T0 })
    if (plain.outcome !== 'active') throw new Error(`expected active, got ${plain.outcome}`)
    expect(Object.keys(plain.session)).not.toContain('data')
    const data = { none: null, list: [1, null, { deep: null }] }
    await store.create({ id: 'nulls', session: { ...session(2), data }, limits, tombstoneTtl: TTL, now: T0 })
    const withNulls = await store.check({
      id: 'nulls',
      activity: false,
      policies,
      tombstoneTtl: TTL,
      now: T0,
    })
    if (withNulls.outcome !== 'active') throw new Error(`expected active, got ${withNulls.outcome}`)
    expect(withNulls.session.data).toEqual(data)
    expect(Object.isFrozen((withNulls.session.data as typeof data).list[2])).toBe(true)
  })

  it('dumps every entry with its current id, retired ids, tombstone and drop time', async () => {
    const store = new MemoryStore({ sweepInterval: 0 })
    await store.create({ id: 'a', session: session(1), limits, tombstoneTtl: TTL, now: T0 })
    await store.create({ id: 'b', session: session(2), limits, tombstoneTtl: TTL, now: T0 })
    await store.revoke({ id: 'b', reason: 'logout', tombstoneTtl: TTL, now: T0 + MIN })
    expect(store.dump()).toEqual({
      sessions: [
        { session: session(1), currentId: 'a', retired: [], tombstone: null, dropAt: T0 + 15 * MIN + TTL },
        {
          session: { ...session(2), data: undefined },
          currentId: 'b',
          retired: [],
          tombstone: {
            handle: session(2).handle,
            subject: 'u2',
            policy: 'default',
            fingerprint: 'p1',
            reason: 'logout',
            endedAt: T0 + MIN,
          },
          dropAt: T0 + MIN + TTL,
        },
      ],
      ids: [
        ['a', { handle: session(1).handle }],
        ['b', { handle: session(2).handle }],
      ],
    })
  })

  it('revokes nothing for an id it does not know', async () => {
    const store = new MemoryStore({ sweepInterval: 0 })
    await store.create({ id: 'a', session: session(1), limits, tombstoneTtl: TTL, now: T0 })
    expect(await store.revoke({ id: 'nope', reason: 'logout', tombstoneTtl: TTL, now: T0 })).toEqual({
      now: T0,
      ended: null,
    })
    expect(store.dump().sessions).toHaveLength(1)
  })

  it("keeps a subject's other sessions listed when one ends, and forgets a lone subject's tombstone cleanly", async () => {
    const store = new MemoryStore({ sweepInterval: 0 })
    const same = session(11) // subject u1 too
    await store.create({ id: 'a', session: session(1), limits, tombstoneTtl: TTL, now: T0 })
    await store.create({ id: 'b', session: same, limits, tombstoneTtl: TTL, now: T0 })
    await store.revoke({ id: 'a', reason: 'logout', tombstoneTtl: TTL, now: T0 })
    expect((await store.list({ subject: 'u1', now: T0 })).sessions.map((s) => s.handle)).toEqual([
      same.handle,
    ])
    // u3's only session ends, then its tombstone is swept: the subject index is already empty by then.
    await store.create({ id: 'c', session: session(3), limits, tombstoneTtl: TTL, now: T0 })
    await store.revoke({ id: 'c', reason: 'logout', tombstoneTtl: TTL, now: T0 })
    expect(store.sweep(T0 + TTL)).toBe(2)
    expect((await store.list({ subject: 'u3', now: T0 + TTL })).sessions).toEqual([])
    expect((await store.list({ subject: 'u1', now: T0 + TTL })).sessions).toHaveLength(1)
  })

  it("forgets every entry of one subject (live, ended and retired ids) and no one else's", async () => {
    const store = new MemoryStore({ sweepInterval: 0 })
    const renewing = { ...limits, renewEvery: MIN, renewGrace: MIN }
    await store.create({ id: 'live', session: session(1), limits: renewing, tombstoneTtl: TTL, now: T0 })
    await store.check({
      id: 'live',
      activity: true,
      policies: { default: renewing },
      tombstoneTtl: TTL,
      now: T0 + MIN,
      renew: { successorId: 'live2', nonce: 'n' },
    })
    await store.create({ id: 'ended', session: session(11), limits, tombstoneTtl: TTL, now: T0 }) // u1 too
    await store.revoke({ id: 'ended', reason: 'logout', tombstoneTtl: TTL, now: T0 })
    await store.create({ id: 'other', session: session(2), limits, tombstoneTtl: TTL, now: T0 })
    expect(await store.forgetSubject({ subject: 'u1', now: T0 + MIN })).toEqual({
      now: T0 + MIN,
      forgotten: 2,
    })
    expect(store.dump()).toMatchObject({
      sessions: [{ session: { subject: 'u2' } }],
      ids: [['other', { handle: session(2).handle }]],
    })
    expect((await store.list({ subject: 'u1', now: T0 + MIN })).sessions).toEqual([])
    for (const id of ['live', 'live2', 'ended']) {
      const result = await store.check({
        id,
        activity: false,
        policies: { default: renewing },
        tombstoneTtl: TTL,
        now: T0 + MIN,
      })
      expect(result.outcome).toBe('unknown')
    }
  })
})
