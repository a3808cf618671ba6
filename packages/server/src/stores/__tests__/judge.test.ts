import { describe, expect, it } from 'vitest'
import { judgeLimits, renewalDue, shouldTouch } from '../judge'
import type { StoredSession, StoreLimits } from '../types'

const MIN = 60_000
const T0 = Date.UTC(2026, 0, 1)
const limits: StoreLimits = {
  idleTimeout: 15 * MIN,
  absoluteTimeout: 60 * MIN,
  touchInterval: MIN,
  renewEvery: 10 * MIN,
  renewGrace: 30_000,
}
const session: StoredSession = {
  handle: 's_1',
  subject: 'u1',
  policy: 'default',
  fingerprint: 'p1',
  authTime: T0,
  createdAt: T0,
  lastActivityAt: T0,
  renewedAt: T0,
}

describe('judgeLimits', () => {
  it('ends at the absolute deadline before the idle one, each exactly at its instant', () => {
    const active = { ...session, lastActivityAt: T0 + 50 * MIN }
    expect(judgeLimits({ session: active, limits, now: T0 + 60 * MIN - 1 })).toEqual({
      reason: null,
      expiresAt: T0 + 60 * MIN,
    })
    expect(judgeLimits({ session: active, limits, now: T0 + 60 * MIN })).toEqual({
      reason: 'absolute',
      expiresAt: T0 + 60 * MIN,
    })
    expect(judgeLimits({ session, limits, now: T0 + 15 * MIN - 1 }).reason).toBeNull()
    expect(judgeLimits({ session, limits, now: T0 + 15 * MIN })).toEqual({
      reason: 'idle',
      expiresAt: T0 + 15 * MIN,
    })
  })
})

describe('renewalDue', () => {
  it('is due exactly renewEvery after the last renewal, not a millisecond before', () => {
    expect(renewalDue({ session, limits, now: T0 + 10 * MIN - 1 })).toBe(false)
    expect(renewalDue({ session, limits, now: T0 + 10 * MIN })).toBe(true)
  })

  it('is never due with renewal off, however long ago the last renewal was', () => {
    const off = { ...limits, renewEvery: 0 }
    expect(renewalDue({ session, limits: off, now: T0 })).toBe(false)
    expect(renewalDue({ session, limits: off, now: T0 + 59 * MIN })).toBe(false)
  })
})

describe('shouldTouch', () => {
  it('writes activity once touchInterval has passed, and at least a millisecond apart when it is 0', () => {
    expect(shouldTouch({ session, limits, now: T0 + MIN - 1 })).toBe(false)
    expect(shouldTouch({ session, limits, now: T0 + MIN })).toBe(true)
    const always = { ...limits, touchInterval: 0 }
    expect(shouldTouch({ session, limits: always, now: T0 })).toBe(false)
    expect(shouldTouch({ session, limits: always, now: T0 + 1 })).toBe(true)
  })
})
