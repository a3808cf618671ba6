import { describe, expect, it } from 'vitest'
import { MemoryStore } from '../../stores/memory/memoryStore'
import { createSessionManager } from '../createSessionManager'
import { MINUTE, START, setup } from './helpers'

describe('the policy in force now rules', () => {
  it('ends over-age sessions at their next check when the policy is tightened', async () => {
    const clock = { t: START }
    const store = new MemoryStore({ now: () => clock.t, sweepInterval: 0 })
    const loose = createSessionManager({
      policy: { idleTimeout: '30m', absoluteTimeout: '8h' },
      store,
      now: () => clock.t,
    })
    const { token } = await loose.create({ subject: 'u1' })
    clock.t += 20 * MINUTE
    expect((await loose.validate(token, { activity: false })).ok).toBe(true)
    const tight = createSessionManager({
      policy: { idleTimeout: '15m', absoluteTimeout: '8h' },
      store,
      now: () => clock.t,
    })
    expect(await tight.validate(token)).toMatchObject({ ok: false, reason: 'idle' })
  })

  it('rejects sessions of a tier that is no longer configured with policy_changed', async () => {
    const clock = { t: START }
    const store = new MemoryStore({ now: () => clock.t, sweepInterval: 0 })
    const before = createSessionManager({
      policies: {
        default: { idleTimeout: '15m', absoluteTimeout: '8h' },
        admin: { idleTimeout: '5m', absoluteTimeout: '1h' },
      },
      store,
      now: () => clock.t,
    })
    const { token } = await before.create({ subject: 'root', policy: 'admin' })
    const after = createSessionManager({
      policies: { default: { idleTimeout: '15m', absoluteTimeout: '8h' } },
      store,
      now: () => clock.t,
    })
    expect(await after.validate(token)).toMatchObject({ ok: false, reason: 'policy_changed' })
  })

  it('runs each session under its own tier and reports it in the status', async () => {
    const { manager, advance } = setup({
      policy: undefined,
      policies: {
        default: { idleTimeout: '15m', absoluteTimeout: '8h' },
        admin: { idleTimeout: '5m', absoluteTimeout: '1h' },
      },
    })
    expect(manager.defaultPolicy.name).toBe('default')
    const user = await manager.create({ subject: 'u1' })
    const admin = await manager.create({ subject: 'root', policy: 'admin' })
    expect(admin.status.policy).toMatchObject({ name: 'admin', idleTimeout: 5 * MINUTE })
    advance(6 * MINUTE)
    expect(await manager.validate(admin.token)).toMatchObject({ ok: false, reason: 'idle' })
    expect((await manager.validate(user.token)).ok).toBe(true)
    await expect(manager.create({ subject: 'x', policy: 'nope' })).rejects.toMatchObject({
      code: 'unknown_policy',
    })
  })

  it('publishes the policy document with fingerprints', () => {
    const { manager } = setup()
    const doc = manager.policyDocument()
    expect(doc).toMatchObject({ protocol: 'curfew/1', serverTime: START, defaultPolicy: 'default' })
    expect(doc.policies[0]).toMatchObject({
      name: 'default',
      idleTimeout: 15 * MINUTE,
      touchInterval: MINUTE,
    })
    expect(doc.policies[0]?.fingerprint).toMatch(/^p1_/)
  })

  it('anchors the absolute deadline at authTime and refuses an authTime already too old', async () => {
    const { manager } = setup()
    const { status } = await manager.create({ subject: 'u1', authTime: START - 50 * MINUTE })
    expect(status).toMatchObject({ expiresBy: 'absolute', absoluteExpiresAt: START + 10 * MINUTE })
    await expect(manager.create({ subject: 'u1', authTime: START - 60 * MINUTE })).rejects.toMatchObject({
      code: 'invalid_option',
    })
  })

  it('refuses a configuration without a policy', () => {
    expect(() => createSessionManager({})).toThrow(expect.objectContaining({ code: 'invalid_option' }))
  })
})
