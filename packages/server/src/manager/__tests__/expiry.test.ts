import { afterEach, describe, expect, it } from 'vitest'
import { HOUR, MINUTE, START, setup } from './helpers'

describe('idle and absolute expiry', () => {
  let ctx = setup()
  afterEach(() => ctx.manager.close())

  it('accepts a fresh session and reports its deadlines in server time', async () => {
    ctx = setup()
    const { token, status } = await ctx.manager.create({ subject: 'u1' })
    expect(status).toMatchObject({ state: 'active', expiresBy: 'idle', expiresAt: START + 15 * MINUTE })
    const result = await ctx.manager.validate(token)
    expect(result).toMatchObject({ ok: true, status: { serverTime: START, subject: 'u1' } })
  })

  it('ends a session after the idle timeout with reason idle, and a late request still learns why', async () => {
    ctx = setup()
    const { token } = await ctx.manager.create({ subject: 'u1' })
    ctx.advance(15 * MINUTE - 1)
    expect((await ctx.manager.validate(token, { activity: false })).ok).toBe(true)
    ctx.advance(1)
    const result = await ctx.manager.validate(token)
    expect(result).toMatchObject({ ok: false, reason: 'idle', httpStatus: 401 })
    if (!result.ok) {
      expect(result.body).toMatchObject({ error: 'session_expired', reason: 'idle' })
      expect(result.wwwAuthenticate).toBe(
        'Bearer error="invalid_token", error_description="session expired: idle"',
      )
    }
    ctx.advance(5 * MINUTE)
    expect(await ctx.manager.validate(token)).toMatchObject({ ok: false, reason: 'idle' })
  })

  it('ends a session at the absolute deadline even under continuous activity', async () => {
    ctx = setup()
    const { token } = await ctx.manager.create({ subject: 'u1' })
    for (let t = 0; t < HOUR - 2 * MINUTE; t += 2 * MINUTE) {
      ctx.advance(2 * MINUTE)
      expect((await ctx.manager.validate(token)).ok).toBe(true)
    }
    ctx.advance(2 * MINUTE)
    expect(await ctx.manager.validate(token)).toMatchObject({ ok: false, reason: 'absolute' })
  })

  it('does not extend the session on passive checks', async () => {
    ctx = setup()
    const { token } = await ctx.manager.create({ subject: 'u1' })
    for (let i = 0; i < 7; i++) {
      ctx.advance(2 * MINUTE)
      expect((await ctx.manager.validate(token, { activity: false })).ok).toBe(true)
    }
    ctx.advance(MINUTE)
    expect(await ctx.manager.validate(token, { activity: false })).toMatchObject({
      ok: false,
      reason: 'idle',
    })
  })

  it('throttles activity writes by touchInterval so a session ends early, never late', async () => {
    ctx = setup()
    const { token } = await ctx.manager.create({ subject: 'u1' })
    ctx.advance(30_000)
    const throttled = await ctx.manager.validate(token)
    // Activity 30 s after the last write is not recorded (touchInterval 1 min): the deadline stays.
    expect(throttled).toMatchObject({ ok: true, status: { idleExpiresAt: START + 15 * MINUTE } })
    ctx.advance(30_000)
    const touched = await ctx.manager.validate(token)
    expect(touched).toMatchObject({ ok: true, status: { idleExpiresAt: START + MINUTE + 15 * MINUTE } })
    // The real last activity was at START + 1 min; the session never outlives 15 min after it.
    ctx.advance(15 * MINUTE)
    expect(await ctx.manager.validate(token)).toMatchObject({ ok: false, reason: 'idle' })
  })

  it('audits an expiry exactly once however many requests observe it concurrently', async () => {
    ctx = setup()
    const { token } = await ctx.manager.create({ subject: 'u1' })
    ctx.advance(16 * MINUTE)
    const results = await Promise.all(Array.from({ length: 50 }, () => ctx.manager.validate(token)))
    expect(results.every((r) => !r.ok && r.reason === 'idle')).toBe(true)
    expect(ctx.eventsOf('session.expired')).toHaveLength(1)
    expect(ctx.eventsOf('session.expired')[0]).toMatchObject({ reason: 'idle', subject: 'u1' })
  })
})
