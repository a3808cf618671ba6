import { describe, expect, it } from 'vitest'
import { reportDueAt } from '../reportDue'
import { stateAt, T0 } from './rules'

// Idle 15 min, warning 1 min: the default report interval is (15 − 1) min / 8 = 105 s.
const state = stateAt({ expiresAt: T0 + 900_000, idleTimeout: 900_000, warnBefore: 60_000 })
const input = {
  state,
  ended: null,
  t: T0,
  activityAt: T0 + 1_000,
  reportedAt: T0,
  warnBefore: 60_000,
}

describe('reportDueAt (the report-due rule)', () => {
  it('is due a report interval after the last report, an eighth of the time before the warning', () => {
    expect(reportDueAt(input)).toBe(T0 + 105_000)
    expect(reportDueAt(input, 30_000)).toBe(T0 + 30_000)
  })

  it('keeps the default interval within 1 s and 5 min', () => {
    const short = stateAt({ expiresAt: T0 + 900_000, idleTimeout: 2_000, warnBefore: 1_000 })
    expect(reportDueAt({ ...input, state: short, warnBefore: 1_000 })).toBe(T0 + 1_000)
    const long = stateAt({ expiresAt: T0 + 86_400_000, idleTimeout: 86_400_000 })
    expect(reportDueAt({ ...input, state: long })).toBe(T0 + 300_000)
  })

  it('is due at once when waiting would let an active user slide into the warning', () => {
    const soon = { ...state, expiresAt: T0 + 120_000 }
    expect(reportDueAt({ ...input, state: soon })).toBe(T0 + 1_000)
  })

  it('owes nothing without activity since the last report', () => {
    expect(reportDueAt({ ...input, activityAt: T0 })).toBeNull()
  })

  it('owes nothing once ended, under the absolute deadline, or before the first answer', () => {
    expect(reportDueAt({ ...input, ended: 'revoked' })).toBeNull()
    expect(reportDueAt({ ...input, state: { ...state, expiresBy: 'absolute' } })).toBeNull()
    expect(reportDueAt({ ...input, state: null })).toBeNull()
  })
})
