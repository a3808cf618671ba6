import { describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../audit/events'
import { MemoryStore } from '../../stores/memory/memoryStore'
import { createSessionManager } from '../createSessionManager'
import { MINUTE, START } from './helpers'

const policy = { idleTimeout: '15m', absoluteTimeout: '1h' }

describe('several managers on one store', () => {
  it('audits an expiry once across managers validating concurrently', async () => {
    const clock = { t: START }
    const store = new MemoryStore({ now: () => clock.t, sweepInterval: 0 })
    const events: AuditEvent[] = []
    const audit = (event: AuditEvent) => {
      events.push(event)
    }
    const a = createSessionManager({ policy, store, audit, now: () => clock.t })
    const b = createSessionManager({ policy, store, audit, now: () => clock.t })
    const { token } = await a.create({ subject: 'u1' })
    clock.t += 16 * MINUTE
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).validate(token)))
    expect(results.every((r) => !r.ok && r.reason === 'idle')).toBe(true)
    expect(events.filter((e) => e.type === 'session.expired')).toHaveLength(1)
  })

  it("lets the store's clock decide when no clock is injected", async () => {
    const storeClock = START + 3 * MINUTE
    const store = new MemoryStore({ now: () => storeClock, sweepInterval: 0 })
    const manager = createSessionManager({ policy, store })
    const { token, status } = await manager.create({ subject: 'u1' })
    expect(status.serverTime).toBe(storeClock)
    const result = await manager.validate(token)
    expect(result).toMatchObject({
      ok: true,
      status: { serverTime: storeClock, expiresAt: storeClock + 15 * MINUTE },
    })
    // The manager's own clock follows the store's, within the time these lines take to run.
    expect(Math.abs(manager.now() - storeClock)).toBeLessThan(60_000)
  })

  it('keeps application data out of reach of later mutation', async () => {
    const manager = createSessionManager({ policy, now: () => START })
    const data = { roles: ['admin'] }
    const { token } = await manager.create({ subject: 'u1', data })
    data.roles.push('root')
    const result = await manager.validate(token)
    expect(result.ok && result.session.data).toEqual({ roles: ['admin'] })
    await manager.close()
  })
})

describe('one clock for the fleet', () => {
  it('makes managers with skewed clocks agree on every deadline through a store with a clock', async () => {
    const storeClock = { t: START }
    const store = new MemoryStore({ now: () => storeClock.t, sweepInterval: 0 })
    const ahead = createSessionManager({ policy, store, now: () => storeClock.t + 7 * MINUTE })
    const behind = createSessionManager({ policy, store, now: () => storeClock.t - 7 * MINUTE })
    const { token, status } = await ahead.create({ subject: 'u1' })
    expect(status.expiresAt).toBe(START + 15 * MINUTE)
    storeClock.t += 14 * MINUTE
    const fromBehind = await behind.validate(token, { activity: false })
    const fromAhead = await ahead.validate(token, { activity: false })
    expect(fromBehind).toMatchObject({ ok: true, status: { serverTime: START + 14 * MINUTE } })
    expect(fromAhead).toMatchObject({ ok: true, status: { serverTime: START + 14 * MINUTE } })
    expect(ahead.now()).toBe(storeClock.t)
    expect(behind.now()).toBe(storeClock.t)
    storeClock.t += MINUTE
    expect(await behind.validate(token)).toMatchObject({ ok: false, reason: 'idle' })
  })
})
