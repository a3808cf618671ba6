import { describe, expect, it } from 'vitest'
import { createSessionManager } from '../../manager/createSessionManager'
import type { AuditEvent } from '../events'
import { pseudonymizeSubject } from '../pseudonymize'

const T = Date.UTC(2026, 0, 1)

function setup(options: { auditActivity?: boolean; auditPseudonymKey?: string }) {
  let time = T
  const events: AuditEvent[] = []
  const manager = createSessionManager({
    policy: { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: '1m' },
    now: () => time,
    audit: (event) => void events.push(event),
    ...options,
  })
  const advance = (ms: number) => {
    time += ms
  }
  return { manager, events, advance }
}

describe('evidence-grade audit (auditActivity)', () => {
  it('audits each accepted activity write once, not each request, and marks the session as evidenced', async () => {
    const { manager, events, advance } = setup({ auditActivity: true })
    const { token } = await manager.create({ subject: 'u1', authTime: T - 5000 })
    advance(30_000)
    await manager.validate(token) // within touchInterval: no write
    advance(40_000)
    await manager.validate(token) // write
    await manager.validate(token) // same instant: no write
    await manager.validate(token, { activity: false }) // passive: never a write
    expect(events.map((e) => e.type)).toEqual(['session.created', 'session.activity'])
    expect(events[0]).toMatchObject({ authTime: T - 5000, evidence: true })
    expect(events[1]).toMatchObject({ time: T + 70_000, subject: 'u1', policy: 'default' })
  })

  it('leaves activity out of the audit by default', async () => {
    const { manager, events, advance } = setup({})
    const { token } = await manager.create({ subject: 'u1' })
    advance(120_000)
    await manager.validate(token)
    expect(events.map((e) => e.type)).toEqual(['session.created'])
    expect(events[0]!.evidence).toBeUndefined()
  })
})

describe('auditPseudonymKey', () => {
  it('replaces every subject with its keyed pseudonym', async () => {
    const { manager, events } = setup({ auditPseudonymKey: 'secret-key-of-the-controller' })
    const { token } = await manager.create({ subject: 'alice@example.com' })
    await manager.revoke(token)
    const pseudonym = pseudonymizeSubject({
      key: 'secret-key-of-the-controller',
      subject: 'alice@example.com',
    })
    expect(pseudonym).toMatch(/^p_[A-Za-z0-9_-]{22}$/)
    expect(events.map((e) => e.subject)).toEqual([pseudonym, pseudonym])
    expect(JSON.stringify(events)).not.toContain('alice')
    expect(pseudonymizeSubject({ key: 'another-key', subject: 'alice@example.com' })).not.toBe(pseudonym)
  })
})
