import { afterEach, describe, expect, it, vi } from 'vitest'
import { MemoryStore } from '../../stores/memory/memoryStore'
import type { SessionStore } from '../../stores/types'
import { createSessionManager } from '../createSessionManager'
import { deploy, population } from './driftFixture'
import { MINUTE, START } from './helpers'

let stores: MemoryStore[] = []
afterEach(async () => {
  await Promise.all(stores.map((s) => s.close()))
  stores = []
  vi.restoreAllMocks()
})

describe('manager.findDrift', () => {
  it('reports each kind of drift and leaves sessions of the current policy alone', async () => {
    const ctx = deploy()
    stores.push(ctx.store as MemoryStore)
    // A session of the current policy that merely expired (idle 20 min > 15 min) is not drift.
    const expired = await ctx.after.create({ subject: 'expired' })
    const s = await population(ctx)
    const report = await ctx.after.findDrift()
    const bySubject = Object.fromEntries(report.drifted.map((d) => [d.subject, d.reason]))
    expect(bySubject).toEqual({
      idle: 'over_idle',
      'old-login': 'over_absolute',
      recent: 'fingerprint',
      legacy: 'unknown_policy',
    })
    expect(bySubject).not.toHaveProperty(expired.session.subject)
    expect(report).toMatchObject({
      scanned: 6,
      found: 4,
      byReason: { fingerprint: 1, unknown_policy: 1, over_idle: 1, over_absolute: 1 },
      truncated: false,
      fixed: 0,
      now: ctx.clock.t,
    })
    const idle = report.drifted.find((d) => d.subject === 'idle')!
    expect(idle).toMatchObject({
      handle: s.idle.session.handle,
      policy: 'default',
      fingerprint: ctx.before.defaultPolicy.fingerprint,
      currentFingerprint: ctx.after.defaultPolicy.fingerprint,
      expiresAt: START + 15 * MINUTE,
    })
    expect(JSON.stringify(report)).not.toContain(s.idle.token)
    // Reporting changes nothing.
    expect((await ctx.after.validate(s.recent.token)).ok).toBe(true)
    expect(ctx.events.filter((e) => e.type === 'session.revoked')).toEqual([])
  })

  it('reports durationMs as the monotonic time from the start of the scan to its end, rounded', async () => {
    const ctx = deploy()
    stores.push(ctx.store as MemoryStore)
    await population(ctx)
    // The monotonic clock stands still except while a drifted session is handled: 4 × 100.2 ms.
    let mono = 5_000
    vi.spyOn(performance, 'now').mockImplementation(() => mono)
    const report = await ctx.after.findDrift({
      onDrift: () => {
        mono += 100.2
      },
    })
    expect(report.found).toBe(4)
    expect(report.durationMs).toBe(401)
  })

  it('with fix: true ends every drifted session with reason policy_changed, audited once each', async () => {
    const ctx = deploy()
    stores.push(ctx.store as MemoryStore)
    const s = await population(ctx)
    const report = await ctx.after.findDrift({ fix: true })
    expect(report).toMatchObject({ found: 4, fixed: 4 })
    const revoked = ctx.events.filter((e) => e.type === 'session.revoked')
    expect(revoked.map((e) => [e.subject, e.reason]).sort()).toEqual([
      ['idle', 'policy_changed'],
      ['legacy', 'policy_changed'],
      ['old-login', 'policy_changed'],
      ['recent', 'policy_changed'],
    ])
    const answer = await ctx.after.validate(s.recent.token)
    expect(answer).toMatchObject({ ok: false, reason: 'policy_changed' })
    expect((await ctx.after.validate(s.current.token)).ok).toBe(true)
    expect(await ctx.after.findDrift()).toMatchObject({ scanned: 1, found: 0, drifted: [] })
  })

  it('fixes only the reasons asked for', async () => {
    const ctx = deploy()
    stores.push(ctx.store as MemoryStore)
    const s = await population(ctx)
    const report = await ctx.after.findDrift({ fix: true, reasons: ['over_idle', 'over_absolute'] })
    expect(report.drifted.map((d) => d.reason).sort()).toEqual(['over_absolute', 'over_idle'])
    expect(report.fixed).toBe(2)
    expect((await ctx.after.validate(s.recent.token)).ok).toBe(true)
    expect(await ctx.after.validate(s.idle.token)).toMatchObject({ ok: false, reason: 'policy_changed' })
  })

  it('counts every drifted session but lists at most `limit`, and streams each to onDrift', async () => {
    const ctx = deploy()
    stores.push(ctx.store as MemoryStore)
    await population(ctx)
    const streamed: string[] = []
    const report = await ctx.after.findDrift({ limit: 1, onDrift: (d) => streamed.push(d.subject) })
    expect(report.found).toBe(4)
    expect(report.drifted).toHaveLength(1)
    expect(report.truncated).toBe(true)
    expect(streamed.sort()).toEqual(['idle', 'legacy', 'old-login', 'recent'])
  })

  it('reads the store in batches and finds every one of thousands of drifted sessions', async () => {
    const ctx = deploy()
    stores.push(ctx.store as MemoryStore)
    await Promise.all(
      Array.from({ length: 3000 }, (_, i) => (i % 3 ? ctx.before : ctx.after).create({ subject: `u${i}` })),
    )
    const report = await ctx.after.findDrift({ batch: 64, limit: 10, fix: true })
    expect(report).toMatchObject({ scanned: 3000, found: 2000, fixed: 2000, truncated: true })
    expect(await ctx.after.findDrift()).toMatchObject({ scanned: 1000, found: 0 })
  })

  it('throws invalid_option for a store that cannot scan', async () => {
    const memory = new MemoryStore({ sweepInterval: 0 })
    stores.push(memory)
    const store: SessionStore = {
      create: (i) => memory.create(i),
      check: (i) => memory.check(i),
      revoke: (i) => memory.revoke(i),
      revokeSubject: (i) => memory.revokeSubject(i),
      list: (i) => memory.list(i),
    }
    const manager = createSessionManager({ policy: { idleTimeout: '15m', absoluteTimeout: '8h' }, store })
    await expect(manager.findDrift()).rejects.toMatchObject({ code: 'invalid_option' })
  })
})
