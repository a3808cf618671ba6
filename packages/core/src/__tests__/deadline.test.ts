import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { evaluateSession, recordActivity, type SessionTimes } from '../deadline'
import { definePolicy, type Policy } from '../policy'

const policy = definePolicy({ idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: '1m' })

describe('evaluateSession', () => {
  const start = 1_000_000

  it('is active before the idle deadline and expired from its instant on', () => {
    const times = { authTime: start, lastActivityAt: start }
    expect(evaluateSession(times, policy, start + 899_999)).toMatchObject({
      state: 'active',
      expiresBy: 'idle',
    })
    expect(evaluateSession(times, policy, start + 900_000)).toMatchObject({
      state: 'expired',
      reason: 'idle',
    })
  })

  it('ends at the absolute deadline even with fresh activity', () => {
    const times = { authTime: start, lastActivityAt: start + 3_599_000 }
    const verdict = evaluateSession(times, policy, start + 3_600_000)
    expect(verdict).toMatchObject({ state: 'expired', reason: 'absolute', expiresBy: 'absolute' })
    expect(verdict.expiresAt).toBe(start + 3_600_000)
  })

  it('reports ended sessions first, with their reason', () => {
    expect(
      evaluateSession({ authTime: start, lastActivityAt: start, endedReason: 'logout' }, policy, start),
    ).toMatchObject({ state: 'expired', reason: 'logout' })
  })

  it('checks absolute before idle when both have passed', () => {
    expect(
      evaluateSession({ authTime: start, lastActivityAt: start }, policy, start + 7_200_000).reason,
    ).toBe('absolute')
  })

  it('names absolute on a tie, since that deadline cannot be extended', () => {
    const tie = definePolicy({ idleTimeout: '1h', absoluteTimeout: '1h' })
    expect(evaluateSession({ authTime: 0, lastActivityAt: 0 }, tie, 0).expiresBy).toBe('absolute')
  })

  it('folds a per-session notAfter into the absolute deadline, whichever comes first', () => {
    const capped = { authTime: start, lastActivityAt: start, notAfter: start + 600_000 }
    expect(evaluateSession(capped, policy, start + 599_999)).toMatchObject({
      state: 'active',
      absoluteExpiresAt: start + 600_000,
      expiresAt: start + 600_000,
      expiresBy: 'absolute',
    })
    expect(evaluateSession(capped, policy, start + 600_000)).toMatchObject({
      state: 'expired',
      reason: 'absolute',
    })
    // A notAfter later than the policy's absolute deadline changes nothing: it only ever shortens.
    const late = { authTime: start, lastActivityAt: start, notAfter: start + 7_200_000 }
    expect(evaluateSession(late, policy, start).absoluteExpiresAt).toBe(start + 3_600_000)
  })

  it('never credits activity recorded before authentication', () => {
    const verdict = evaluateSession({ authTime: start, lastActivityAt: start - 10_000_000 }, policy, start)
    expect(verdict.idleExpiresAt).toBe(start + 900_000)
  })
})

describe('recordActivity', () => {
  const times = { authTime: 0, lastActivityAt: 0 }

  it('returns the same object inside the touch interval', () => {
    expect(recordActivity(times, policy, 59_999)).toBe(times)
    expect(recordActivity(times, policy, 60_000)).toEqual({ authTime: 0, lastActivityAt: 60_000 })
  })

  it('does not revive an expired session', () => {
    expect(recordActivity(times, policy, 900_000)).toBe(times)
  })

  it('never moves activity backwards when the clock does', () => {
    const later = { authTime: 0, lastActivityAt: 500_000 }
    expect(recordActivity(later, policy, 100_000)).toBe(later)
  })

  it('with touchInterval 0 records every new millisecond', () => {
    const eager = definePolicy({ idleTimeout: '1m', absoluteTimeout: '1h', touchInterval: 0 })
    expect(recordActivity(times, eager, 1).lastActivityAt).toBe(1)
    expect(recordActivity(times, eager, 0)).toBe(times)
  })
})

const policyArb: fc.Arbitrary<Policy> = fc
  .record({
    idle: fc.integer({ min: 2, max: 10_000_000 }),
    extra: fc.integer({ min: 0, max: 50_000_000 }),
    touchPct: fc.integer({ min: 0, max: 50 }),
  })
  .map(({ idle, extra, touchPct }) =>
    definePolicy({
      idleTimeout: idle,
      absoluteTimeout: idle + extra,
      warnBefore: 1,
      touchInterval: Math.floor((idle * touchPct) / 100),
    }),
  )

describe('deadline properties', () => {
  it('expiresAt is min(idle, absolute) and never later than authTime + absolute', () => {
    fc.assert(
      fc.property(policyArb, fc.nat(1e12), fc.nat(1e9), fc.nat(1e9), (p, authTime, sinceAuth, later) => {
        const times = { authTime, lastActivityAt: authTime + sinceAuth }
        const v = evaluateSession(times, p, authTime + later)
        expect(v.expiresAt).toBe(Math.min(v.idleExpiresAt, v.absoluteExpiresAt))
        expect(v.expiresAt).toBeLessThanOrEqual(authTime + p.absoluteTimeout)
      }),
    )
  })

  it('no sequence of activity moves the absolute deadline, and activity is credited no later than it happened', () => {
    fc.assert(
      fc.property(policyArb, fc.array(fc.nat(5_000_000), { maxLength: 60 }), (p, gaps) => {
        const authTime = 1_700_000_000_000
        let times: SessionTimes = { authTime, lastActivityAt: authTime }
        let now = authTime
        let lastReal = authTime
        for (const gap of gaps) {
          now += gap
          const verdict = evaluateSession(times, p, now)
          if (verdict.state === 'expired') {
            // Ended no later than the real last activity + idle, nor past the absolute cap.
            expect(verdict.expiresAt).toBeLessThanOrEqual(
              Math.min(lastReal + p.idleTimeout, authTime + p.absoluteTimeout),
            )
            return
          }
          const next = recordActivity(times, p, now)
          lastReal = now
          expect(next.authTime).toBe(authTime)
          expect(next.lastActivityAt).toBeGreaterThanOrEqual(times.lastActivityAt)
          expect(next.lastActivityAt).toBeLessThanOrEqual(now)
          expect(evaluateSession(next, p, now).absoluteExpiresAt).toBe(authTime + p.absoluteTimeout)
          times = next
        }
        // The session never outlives the last real activity by more than idleTimeout.
        expect(evaluateSession(times, p, lastReal + p.idleTimeout).state).toBe('expired')
      }),
    )
  })

  it('is monotonic in now: once expired, later instants stay expired with the same deadlines', () => {
    fc.assert(
      fc.property(policyArb, fc.nat(1e9), fc.nat(1e10), fc.nat(1e10), (p, last, t1, dt) => {
        const times = { authTime: 0, lastActivityAt: last }
        const a = evaluateSession(times, p, t1)
        const b = evaluateSession(times, p, t1 + dt)
        expect(b.expiresAt).toBe(a.expiresAt)
        if (a.state === 'expired') expect(b.state).toBe('expired')
      }),
    )
  })
})
