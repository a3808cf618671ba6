import { metrics } from '@opentelemetry/api'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { START, setup } from '../../manager/__tests__/helpers'
import { MemoryStore } from '../../stores/memory/memoryStore'
import type { SessionStore } from '../../stores/types'
import { createMetrics } from '../metrics'
import { otelPipeline } from './otel'

const MINUTE = 60_000

describe('OpenTelemetry metrics', () => {
  let otel = otelPipeline()
  afterEach(async () => {
    await otel.shutdown()
    metrics.disable()
    vi.restoreAllMocks()
  })

  it('counts created sessions by policy tier', async () => {
    otel = otelPipeline()
    const { manager } = setup({
      policies: {
        default: { idleTimeout: '15m', absoluteTimeout: '1h' },
        admin: { idleTimeout: '5m', absoluteTimeout: '1h' },
      },
      metrics: { meter: otel.meter },
    })
    expect(await otel.count('curfew.sessions.created')).toBe(0)
    await manager.create({ subject: 'u1' })
    await manager.create({ subject: 'u2' })
    await manager.create({ subject: 'u3', policy: 'admin' })
    expect(await otel.count('curfew.sessions.created')).toBe(3)
    expect(await otel.count('curfew.sessions.created', { policy: 'admin' })).toBe(1)
    await manager.close()
  })

  it('counts expiries by reason exactly once, however often the dead token is replayed', async () => {
    otel = otelPipeline()
    const { manager, advance } = setup({ metrics: { meter: otel.meter } })
    const idle = await manager.create({ subject: 'u1' })
    advance(15 * MINUTE)
    for (let i = 0; i < 3; i++) await manager.validate(idle.token)
    expect(await otel.count('curfew.sessions.expired', { reason: 'idle' })).toBe(1)
    const absolute = await manager.create({ subject: 'u2' })
    for (let t = 0; t < 60; t += 10) {
      advance(10 * MINUTE)
      await manager.validate(absolute.token)
    }
    expect(await otel.count('curfew.sessions.expired', { reason: 'absolute' })).toBe(1)
    expect(await otel.count('curfew.sessions.expired')).toBe(2)
    await manager.close()
  })

  it('counts revocations by reason', async () => {
    otel = otelPipeline()
    const { manager } = setup({ metrics: { meter: otel.meter } })
    const a = await manager.create({ subject: 'u1' })
    const b = await manager.create({ subject: 'u1' })
    await manager.revoke(a.token, 'logout')
    await manager.revoke(a.token, 'logout') // already ended: not counted again
    await manager.revokeSubject('u1')
    expect(await otel.count('curfew.sessions.revoked', { reason: 'logout' })).toBe(1)
    expect(await otel.count('curfew.sessions.revoked', { reason: 'revoked' })).toBe(1)
    expect((await manager.validate(b.token)).ok).toBe(false)
    await manager.close()
  })

  it('counts rejected requests by reason', async () => {
    otel = otelPipeline()
    const { manager, advance } = setup({ metrics: { meter: otel.meter } })
    await manager.validate('not a token')
    await manager.validate('A'.repeat(43))
    await manager.validate('B'.repeat(43))
    const { token } = await manager.create({ subject: 'u1' })
    advance(15 * MINUTE)
    await manager.validate(token) // the expiry itself: counted as expired
    await manager.validate(token) // a replay after it: rejected with the reason
    expect(await otel.count('curfew.sessions.rejected', { reason: 'malformed' })).toBe(1)
    expect(await otel.count('curfew.sessions.rejected', { reason: 'unknown' })).toBe(2)
    expect(await otel.count('curfew.sessions.rejected', { reason: 'idle' })).toBe(1)
    await manager.close()
  })

  it('records the check duration in ms per outcome, timed around the store call', async () => {
    otel = otelPipeline()
    // The monotonic clock moves only while the store answers: 2.5 ms per check.
    let mono = 1_000
    vi.spyOn(performance, 'now').mockImplementation(() => mono)
    const inner = new MemoryStore({ now: () => START, sweepInterval: 0 })
    const store: SessionStore = {
      create: (input) => inner.create(input),
      check: async (input) => {
        mono += 2.5
        return inner.check(input)
      },
      revoke: (input) => inner.revoke(input),
      revokeSubject: (input) => inner.revokeSubject(input),
      list: (input) => inner.list(input),
    }
    const { manager } = setup({ store, metrics: { meter: otel.meter } })
    const { token } = await manager.create({ subject: 'u1' })
    for (let i = 0; i < 4; i++) await manager.validate(token)
    await manager.validate('C'.repeat(43))
    const active = await otel.histogram('curfew.check.duration', { outcome: 'active' })
    expect(active.count).toBe(4)
    expect(active.sum).toBe(10)
    expect(active.unit).toBe('ms')
    expect(await otel.histogram('curfew.check.duration', { outcome: 'unknown' })).toMatchObject({
      count: 1,
      sum: 2.5,
    })
    await inner.close()
    await manager.close()
  })

  it('counts every failed store call, not only the first of an outage', async () => {
    otel = otelPipeline()
    const inner = new MemoryStore({ now: () => START, sweepInterval: 0 })
    let down = false
    const gate = <T>(call: () => Promise<T>) => (down ? Promise.reject(new Error('ECONNREFUSED')) : call())
    const store: SessionStore = {
      create: (input) => gate(() => inner.create(input)),
      check: (input) => gate(() => inner.check(input)),
      revoke: (input) => gate(() => inner.revoke(input)),
      revokeSubject: (input) => gate(() => inner.revokeSubject(input)),
      list: (input) => gate(() => inner.list(input)),
    }
    const { manager, eventsOf } = setup({ store, metrics: { meter: otel.meter } })
    const { token } = await manager.create({ subject: 'u1' })
    down = true
    for (let i = 0; i < 3; i++) await manager.validate(token)
    expect(eventsOf('store.unavailable')).toHaveLength(1)
    expect(await otel.count('curfew.store.errors', { reason: 'store_unavailable' })).toBe(3)
    expect((await otel.histogram('curfew.check.duration', { outcome: 'error' })).count).toBe(3)
    down = false
    expect((await manager.validate(token)).ok).toBe(true)
    expect(await otel.count('curfew.store.errors')).toBe(3)
    await manager.close()
    await inner.close()
  })

  it('uses the global meter provider by default when @opentelemetry/api is installed', async () => {
    otel = otelPipeline()
    metrics.setGlobalMeterProvider(otel.provider)
    const recorder = createMetrics(undefined)!
    await recorder.ready
    recorder.sink({ type: 'session.created', time: START, policy: 'default' })
    recorder.storeError('store_timeout')
    expect(await otel.count('curfew.sessions.created')).toBe(1)
    expect(await otel.count('curfew.store.errors', { reason: 'store_timeout' })).toBe(1)
  })

  it('records nothing and costs nothing when turned off', async () => {
    otel = otelPipeline()
    metrics.setGlobalMeterProvider(otel.provider)
    expect(createMetrics(false)).toBeUndefined()
    const { manager } = setup({ metrics: false })
    await manager.create({ subject: 'u1' })
    expect(await otel.count('curfew.sessions.created')).toBe(0)
    await manager.close()
  })
})
