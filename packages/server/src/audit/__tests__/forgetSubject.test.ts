import { describe, expect, it } from 'vitest'
import { hashToken } from '../../crypto/token'
import { createSessionManager } from '../../manager/createSessionManager'
import { MemoryStore } from '../../stores/memory/memoryStore'
import type { AuditEvent } from '../events'
import { pseudonymizeSubject } from '../pseudonymize'

const T = Date.UTC(2026, 0, 1)
const POLICY = { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: 0 } as const

describe('manager.forgetSubject on a MemoryStore', () => {
  it('erases every session, tombstone, token id and index entry of the subject, and nothing of others', async () => {
    let time = T
    const store = new MemoryStore({ now: () => time, sweepInterval: 0 })
    const events: AuditEvent[] = []
    const manager = createSessionManager({ policy: POLICY, store, audit: (e) => void events.push(e) })
    const live = await manager.create({ subject: 'alice@example.com' })
    const ended = await manager.create({ subject: 'alice@example.com' })
    await manager.revoke(ended.token, 'logout') // a tombstone
    const other = await manager.create({ subject: 'bob' })
    time += 60_000
    events.length = 0

    expect(await manager.forgetSubject('alice@example.com')).toBe(2)

    const dump = JSON.stringify(store.dump())
    expect(dump).not.toContain('alice')
    for (const token of [live.token, ended.token]) expect(dump).not.toContain(hashToken(token))
    for (const handle of [live.session.handle, ended.session.handle]) expect(dump).not.toContain(handle)
    expect(dump).toContain(other.session.handle)
    expect((await manager.validate(live.token)).ok).toBe(false)
    expect((await manager.validate(other.token)).ok).toBe(true)
    expect(await manager.list('alice@example.com')).toEqual([])

    // Audited: the live session's end once, then the erasure — without the subject in clear.
    expect(events.map((e) => e.type)).toEqual(['session.revoked', 'subject.forgotten', 'session.rejected'])
    expect(events[0]).toMatchObject({ session: live.session.handle, reason: 'revoked' })
    expect(events[1]).toMatchObject({ meta: { sessions: 2 } })
    expect(JSON.stringify(events)).not.toContain('alice')
    await manager.close()
  })

  it('names the erased subject in the audit only by its keyed pseudonym', async () => {
    const events: AuditEvent[] = []
    const key = 'controller-pseudonym-key'
    const manager = createSessionManager({
      policy: POLICY,
      now: () => T,
      auditPseudonymKey: key,
      audit: (e) => void events.push(e),
    })
    await manager.create({ subject: 'alice@example.com' })
    await manager.forgetSubject('alice@example.com')
    const forgotten = events.find((e) => e.type === 'subject.forgotten')
    expect(forgotten?.subject).toBe(pseudonymizeSubject({ key, subject: 'alice@example.com' }))
    expect(JSON.stringify(events)).not.toContain('alice')
    await manager.close()
  })

  it('refuses a store that cannot forget, with a clear error', async () => {
    const store = new MemoryStore({ now: () => T })
    const manager = createSessionManager({
      policy: POLICY,
      store: Object.assign(Object.create(store), { forgetSubject: undefined }),
    })
    await expect(manager.forgetSubject('u1')).rejects.toMatchObject({ code: 'invalid_option' })
    await store.close()
  })
})
