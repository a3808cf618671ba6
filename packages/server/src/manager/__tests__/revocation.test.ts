import { describe, expect, it } from 'vitest'
import { MINUTE, setup } from './helpers'

describe('revocation', () => {
  it('revokes by token and by handle; later requests get reason revoked', async () => {
    const { manager, eventsOf } = setup()
    const a = await manager.create({ subject: 'u1' })
    const b = await manager.create({ subject: 'u1' })
    expect(await manager.revoke(a.token)).toBe(true)
    expect(await manager.revoke(b.session.handle)).toBe(true)
    expect(await manager.revoke(a.token)).toBe(false)
    expect(await manager.validate(a.token)).toMatchObject({
      ok: false,
      reason: 'revoked',
      body: { error: 'session_expired' },
    })
    expect(await manager.validate(b.token)).toMatchObject({ ok: false, reason: 'revoked' })
    expect(eventsOf('session.revoked').map((e) => e.session)).toEqual([a.session.handle, b.session.handle])
  })

  it('logs out with reason logout', async () => {
    const { manager, eventsOf } = setup()
    const { token } = await manager.create({ subject: 'u1' })
    expect(await manager.revoke(token, 'logout')).toBe(true)
    expect(await manager.validate(token)).toMatchObject({ ok: false, reason: 'logout' })
    expect(eventsOf('session.revoked')[0]).toMatchObject({ reason: 'logout', subject: 'u1' })
  })

  it('answers false for garbage instead of throwing', async () => {
    const { manager } = setup()
    expect(await manager.revoke('not a token')).toBe(false)
    expect(await manager.revoke('s_AAAAAAAAAAAAAAAA')).toBe(false)
  })

  it('revokes every session of a subject and lists only live ones', async () => {
    const { manager, advance } = setup()
    const one = await manager.create({ subject: 'alice' })
    const two = await manager.create({ subject: 'alice' })
    const bob = await manager.create({ subject: 'bob' })
    expect((await manager.list('alice')).map((s) => s.handle).sort()).toEqual(
      [one.session.handle, two.session.handle].sort(),
    )
    expect(await manager.revokeSubject('alice')).toBe(2)
    expect(await manager.list('alice')).toEqual([])
    expect(await manager.validate(one.token)).toMatchObject({ ok: false, reason: 'revoked' })
    expect((await manager.validate(bob.token)).ok).toBe(true)
    advance(16 * MINUTE)
    // Past its idle deadline a session is not listed even before anyone observed the expiry.
    expect(await manager.list('bob')).toEqual([])
  })

  it('issues a new handle and token on every sign-in (fixation defence)', async () => {
    const { manager } = setup()
    const a = await manager.create({ subject: 'u1' })
    const b = await manager.create({ subject: 'u1' })
    expect(a.token).not.toBe(b.token)
    expect(a.session.handle).not.toBe(b.session.handle)
    expect(a.token).toMatch(/^s_[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/)
  })
})
