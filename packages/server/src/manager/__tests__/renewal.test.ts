import { describe, expect, it } from 'vitest'
import { MINUTE, setup } from './helpers'

const policy = {
  idleTimeout: '15m',
  absoluteTimeout: '8h',
  touchInterval: '1m',
  renewEvery: '10m',
  renewGrace: '30s',
}

describe('token renewal', () => {
  it('does not renew before renewEvery', async () => {
    const { manager, advance } = setup({ policy })
    const { token } = await manager.create({ subject: 'u1' })
    advance(9 * MINUTE)
    const result = await manager.refresh(token)
    expect(result.ok).toBe(true)
    expect(result.ok && result.token).toBeUndefined()
  })

  it('rotates when due; the old token within grace yields the same successor; audited once', async () => {
    const { manager, advance, eventsOf } = setup({ policy })
    const { token } = await manager.create({ subject: 'u1' })
    advance(10 * MINUTE)
    const renewed = await manager.refresh(token)
    expect(renewed).toMatchObject({ ok: true })
    const successor = renewed.ok ? renewed.token : undefined
    expect(successor).toMatch(/^s_[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/)
    expect(successor).not.toBe(token)
    advance(10_000)
    const late = await manager.validate(token)
    expect(late).toMatchObject({ ok: true, token: successor })
    const next = await manager.validate(successor)
    expect(next.ok).toBe(true)
    expect(next.ok && next.token).toBe(undefined)
    expect(eventsOf('session.renewed')).toHaveLength(1)
  })

  it('gives concurrent refreshes of one token one successor', async () => {
    const { manager, advance } = setup({ policy })
    const { token } = await manager.create({ subject: 'u1' })
    advance(10 * MINUTE)
    const results = await Promise.all(Array.from({ length: 8 }, () => manager.refresh(token)))
    const successors = new Set(results.map((r) => (r.ok ? r.token : 'rejected')))
    expect(successors.size).toBe(1)
    expect([...successors][0]).toMatch(/^s_[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/)
  })

  it('revokes the whole session with reuse_detected when the old token returns after grace', async () => {
    const { manager, advance, eventsOf } = setup({ policy })
    const { token } = await manager.create({ subject: 'u1' })
    advance(10 * MINUTE)
    const renewed = await manager.refresh(token)
    const successor = renewed.ok ? renewed.token : undefined
    advance(30_000)
    expect(await manager.validate(token)).toMatchObject({ ok: false, reason: 'reuse_detected' })
    expect(await manager.validate(successor)).toMatchObject({ ok: false, reason: 'reuse_detected' })
    expect(eventsOf('session.revoked')).toHaveLength(1)
    expect(eventsOf('session.revoked')[0]).toMatchObject({ reason: 'reuse_detected', subject: 'u1' })
  })
})
