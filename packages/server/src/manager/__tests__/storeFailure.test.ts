import { afterEach, describe, expect, it, vi } from 'vitest'
import { MemoryStore } from '../../stores/memory/memoryStore'
import type { SessionStore } from '../../stores/types'
import { START, setup } from './helpers'

type Mode = 'ok' | 'reject' | 'hang'

/** A real MemoryStore behind a switch that makes every call fail or hang, like a store that goes down. */
function faultyStore(): { store: SessionStore; set(mode: Mode): void } {
  const inner = new MemoryStore({ now: () => START, sweepInterval: 0 })
  let mode: Mode = 'ok'
  const gate = <T>(call: () => Promise<T>): Promise<T> => {
    if (mode === 'reject') return Promise.reject(new Error('ECONNREFUSED'))
    if (mode === 'hang') return new Promise<T>(() => {})
    return call()
  }
  const store: SessionStore = {
    create: (input) => gate(() => inner.create(input)),
    check: (input) => gate(() => inner.check(input)),
    revoke: (input) => gate(() => inner.revoke(input)),
    revokeSubject: (input) => gate(() => inner.revokeSubject(input)),
    list: (input) => gate(() => inner.list(input)),
  }
  return { store, set: (next) => (mode = next) }
}

describe('store failure', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('denies with 401 by default when the store rejects, audits the outage once, and recovers', async () => {
    const faulty = faultyStore()
    const { manager, eventsOf } = setup({ store: faulty.store })
    const { token } = await manager.create({ subject: 'u1' })
    faulty.set('reject')
    for (let i = 0; i < 5; i++) {
      const result = await manager.validate(token)
      expect(result).toMatchObject({ ok: false, reason: 'store_unavailable', httpStatus: 401 })
      expect(result.ok || result.wwwAuthenticate).toContain('invalid_token')
    }
    expect(eventsOf('store.unavailable')).toHaveLength(1)
    expect(eventsOf('store.unavailable')[0]).toMatchObject({
      reason: 'store_unavailable',
      meta: { error: expect.stringContaining('ECONNREFUSED') },
    })
    faulty.set('ok')
    expect((await manager.validate(token)).ok).toBe(true)
    expect(eventsOf('store.recovered')).toHaveLength(1)
    faulty.set('reject')
    await manager.validate(token)
    expect(eventsOf('store.unavailable')).toHaveLength(2)
  })

  it('answers 503 with onStoreError: unavailable, after the bounded timeout when the store hangs', async () => {
    vi.useFakeTimers()
    const faulty = faultyStore()
    const { manager, eventsOf } = setup({
      store: faulty.store,
      onStoreError: 'unavailable',
      storeTimeout: 500,
    })
    const { token } = await manager.create({ subject: 'u1' })
    faulty.set('hang')
    const pending = Promise.all([manager.validate(token), manager.validate(token)])
    await vi.advanceTimersByTimeAsync(500)
    const results = await pending
    for (const result of results) {
      expect(result).toMatchObject({
        ok: false,
        reason: 'store_unavailable',
        httpStatus: 503,
        body: { error: 'store_unavailable' },
      })
    }
    expect(eventsOf('store.unavailable')).toEqual([expect.objectContaining({ reason: 'store_timeout' })])
    faulty.set('ok')
    expect((await manager.validate(token)).ok).toBe(true)
  })

  it('keeps the bounded, audited path for a MemoryStore subclass whose check hangs or throws', async () => {
    vi.useFakeTimers()
    let mode: Mode = 'ok'
    class Flaky extends MemoryStore {
      override check(input: Parameters<MemoryStore['check']>[0]) {
        if (mode === 'hang') return new Promise<never>(() => {})
        if (mode === 'reject') throw new Error('ECONNRESET')
        return super.check(input)
      }
    }
    const { manager, eventsOf } = setup({ store: new Flaky({ sweepInterval: 0 }), storeTimeout: 500 })
    const { token } = await manager.create({ subject: 'u1' })
    expect((await manager.validate(token)).ok).toBe(true)
    mode = 'hang'
    const pending = manager.validate(token)
    await vi.advanceTimersByTimeAsync(500)
    expect(await pending).toMatchObject({ ok: false, reason: 'store_unavailable' })
    mode = 'reject'
    expect(await manager.validate(token)).toMatchObject({ ok: false, reason: 'store_unavailable' })
    expect(eventsOf('store.unavailable')).toEqual([expect.objectContaining({ reason: 'store_timeout' })])
    mode = 'ok'
    expect((await manager.validate(token)).ok).toBe(true)
    expect(eventsOf('store.recovered')).toHaveLength(1)
  })

  it('throws a CurfewError from server-side calls (create, revoke) rather than pretending success', async () => {
    const faulty = faultyStore()
    const { manager } = setup({ store: faulty.store })
    const { token } = await manager.create({ subject: 'u1' })
    faulty.set('reject')
    await expect(manager.revoke(token)).rejects.toMatchObject({ code: 'store_unavailable' })
    await expect(manager.create({ subject: 'u1' })).rejects.toMatchObject({ code: 'store_unavailable' })
  })

  it('keeps serving when an audit sink throws or rejects', async () => {
    const { manager } = setup({
      audit: [
        () => {
          throw new Error('sink down')
        },
        () => Promise.reject(new Error('sink down')),
      ],
    })
    const { token } = await manager.create({ subject: 'u1' })
    expect((await manager.validate(token)).ok).toBe(true)
    expect((await manager.validate('bad')).ok).toBe(false)
  })
})
