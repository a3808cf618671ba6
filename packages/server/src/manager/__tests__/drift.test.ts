import { afterEach, describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../audit/events'
import { MemoryStore } from '../../stores/memory/memoryStore'
import { createSessionManager } from '../createSessionManager'
import type { SessionManagerOptions } from '../options'
import { HOUR, MINUTE, START } from './helpers'

/** Two managers over one store, like two services (or two deploys) that disagree on the policy. */
function fleet(second: Partial<SessionManagerOptions> = {}) {
  const clock = { t: START }
  const now = () => clock.t
  const store = new MemoryStore({ now, sweepInterval: 0 })
  const events: AuditEvent[] = []
  const old = createSessionManager({ policy: { idleTimeout: '30m', absoluteTimeout: '8h' }, store, now })
  const current = createSessionManager({
    policy: { idleTimeout: '15m', absoluteTimeout: '8h' },
    store,
    now,
    audit: (e) => {
      events.push(e)
    },
    ...second,
  })
  const drift = () => events.filter((e) => e.type === 'policy.drift')
  return { old, current, store, clock, drift, close: () => store.close() }
}

describe('policy.drift', () => {
  let ctx = fleet()
  afterEach(async () => {
    await ctx.close()
  })

  it('reports a session minted under another fingerprint, with both fingerprints', async () => {
    ctx = fleet()
    const { token, session } = await ctx.old.create({ subject: 'u1' })
    const result = await ctx.current.validate(token, { meta: { path: '/api/orders' } })
    expect(result.ok).toBe(true)
    const from = ctx.old.defaultPolicy.fingerprint
    const to = ctx.current.defaultPolicy.fingerprint
    expect(from).not.toBe(to)
    expect(ctx.drift()).toEqual([
      {
        type: 'policy.drift',
        time: START,
        session: session.handle,
        subject: 'u1',
        policy: 'default',
        fingerprint: to,
        meta: { path: '/api/orders', fromFingerprint: from, toFingerprint: to },
      },
    ])
  })

  it('reports each fingerprint pair once per interval, however many sessions and requests carry it', async () => {
    ctx = fleet()
    const a = await ctx.old.create({ subject: 'u1' })
    const b = await ctx.old.create({ subject: 'u2' })
    for (let i = 0; i < 5; i++) {
      await ctx.current.validate(a.token)
      await ctx.current.validate(b.token)
      ctx.clock.t += 5 * MINUTE
    }
    expect(ctx.drift()).toHaveLength(1)
    // keep the session alive (idle 15m) up to the end of the interval
    for (const t of [30, 40, 50]) {
      ctx.clock.t = START + t * MINUTE
      expect((await ctx.current.validate(a.token)).ok).toBe(true)
    }
    ctx.clock.t = START + HOUR - 1
    await ctx.current.validate(a.token)
    expect(ctx.drift()).toHaveLength(1)
    ctx.clock.t = START + HOUR
    await ctx.current.validate(a.token)
    expect(ctx.drift()).toHaveLength(2)
  })

  it('reports a different pair separately, and honours driftInterval', async () => {
    ctx = fleet({ driftInterval: '10m' })
    const third = createSessionManager({
      policy: { idleTimeout: '20m', absoluteTimeout: '8h' },
      store: ctx.store,
      now: () => ctx.clock.t,
    })
    const a = await ctx.old.create({ subject: 'u1' })
    const c = await third.create({ subject: 'u3' })
    await ctx.current.validate(a.token)
    await ctx.current.validate(c.token)
    expect(ctx.drift().map((e) => e.meta?.fromFingerprint)).toEqual([
      ctx.old.defaultPolicy.fingerprint,
      third.defaultPolicy.fingerprint,
    ])
    ctx.clock.t += 10 * MINUTE
    await ctx.current.validate(a.token)
    expect(ctx.drift()).toHaveLength(3)
  })

  it('stays silent for sessions of the current policy and for refused tokens', async () => {
    ctx = fleet()
    const mine = await ctx.current.create({ subject: 'u1' })
    await ctx.current.validate(mine.token)
    await ctx.current.validate('not-a-token')
    const old = await ctx.old.create({ subject: 'u2' })
    ctx.clock.t += 16 * MINUTE // idle under the current (15m) policy
    expect(await ctx.current.validate(old.token)).toMatchObject({ ok: false, reason: 'idle' })
    expect(ctx.drift()).toHaveLength(0)
  })
})
