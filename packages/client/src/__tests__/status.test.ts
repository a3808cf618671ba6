import { describe, expect, it } from 'vitest'
import { snapshotAt, statusAt } from '../status'
import { stateAt, T0 } from './rules'

const state = stateAt()
const at = (t: number) => ({ state, ended: null, t, warnBefore: 10_000 })

describe('statusAt (the status rule)', () => {
  it('is unknown before the first answer', () => {
    expect(statusAt({ state: null, ended: null, t: T0, warnBefore: 10_000 })).toBe('unknown')
  })

  it('turns warning exactly warnBefore before the deadline and expired exactly at it', () => {
    expect(statusAt(at(T0 + 49_999))).toBe('active')
    expect(statusAt(at(T0 + 50_000))).toBe('warning')
    expect(statusAt(at(T0 + 59_999))).toBe('warning')
    expect(statusAt(at(T0 + 60_000))).toBe('expired')
  })

  it('says expired whenever the server stated an end, whatever the deadline', () => {
    expect(statusAt({ ...at(T0), ended: 'revoked' })).toBe('expired')
    expect(statusAt({ ...at(T0), state: null, ended: 'missing' })).toBe('expired')
  })
})

describe('snapshotAt', () => {
  const input = { ...at(T0 + 55_000), switched: false }

  it('computes the time left from the deadline and the given instant', () => {
    expect(snapshotAt(input, true)).toEqual({
      status: 'warning',
      expiresAt: T0 + 60_000,
      remainingMs: 5_000,
      expiresBy: 'idle',
      reason: null,
      canExtend: true,
      isLeader: true,
      subject: 'ada',
      session: 'h1',
      idleExpiresAt: T0 + 60_000,
      absoluteExpiresAt: T0 + 3_600_000,
      warnBefore: 10_000,
    })
    expect(snapshotAt({ ...input, t: T0 + 70_000 }, true)).toMatchObject({ remainingMs: 0, reason: 'idle' })
  })

  it('cannot extend when the absolute deadline rules, nor once expired', () => {
    expect(snapshotAt({ ...input, state: stateAt({ expiresBy: 'absolute' }) }, true).canExtend).toBe(false)
    expect(snapshotAt({ ...input, ended: 'logout' }, true)).toMatchObject({
      canExtend: false,
      reason: 'logout',
    })
  })

  it("shows another user's session as this tab's end, reason 'switched'", () => {
    expect(snapshotAt({ ...input, switched: true }, true)).toMatchObject({
      status: 'expired',
      reason: 'switched',
    })
  })

  it('shows nulls and the default warning before the first answer', () => {
    expect(snapshotAt({ ...input, state: null, warnBefore: 60_000 }, true)).toMatchObject({
      status: 'unknown',
      expiresAt: null,
      remainingMs: null,
      reason: null,
      canExtend: false,
    })
  })
})
