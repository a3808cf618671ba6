import { describe, expect, it } from 'vitest'
import type { Moment } from '../status'
import { lastLookBefore, nextWakeUp } from '../wakeUp'
import { stateAt, T0 } from './rules'

const state = stateAt()
const input: Moment = { state, ended: null, t: T0, warnBefore: 10_000 }
/** No countdown watched and no report due, unless told otherwise. */
const wake = (at: Moment, countdown = false, reportAt: number | null = null) =>
  nextWakeUp(at, countdown, reportAt)

describe('nextWakeUp (the next-wake-up rule)', () => {
  it('wakes at the warning, then the last look, then the deadline, then never', () => {
    expect(wake(input)).toBe(T0 + 50_000)
    expect(wake({ ...input, t: T0 + 50_000 })).toBe(T0 + 55_000)
    expect(wake({ ...input, t: T0 + 55_000 })).toBe(T0 + 60_000)
    expect(wake({ ...input, t: T0 + 60_000 })).toBeNull()
  })

  it('takes the last look at most 5 s, and at most half the warning, before the deadline', () => {
    expect(lastLookBefore(60_000)).toBe(5_000)
    expect(lastLookBefore(4_000)).toBe(2_000)
  })

  it('wakes on each whole second left while a countdown is watched', () => {
    expect(wake({ ...input, t: T0 + 50_250 }, true)).toBe(T0 + 51_000)
    expect(wake({ ...input, t: T0 + 51_000 }, true)).toBe(T0 + 52_000)
  })

  it('wakes when a report is due, even if that is now', () => {
    expect(wake(input, false, T0 + 7_000)).toBe(T0 + 7_000)
    expect(wake({ ...input, t: T0 + 60_000 }, false, T0 + 1_000)).toBe(T0 + 1_000)
  })

  it('never sleeps longer than setTimeout can wait', () => {
    const far = stateAt({ expiresAt: T0 + 90 * 86_400_000 })
    expect(wake({ ...input, state: far })).toBe(T0 + 2 ** 31 - 1)
  })

  it('does not wake before a deadline is known, nor after the server said the session is over', () => {
    expect(wake({ ...input, state: null })).toBeNull()
    expect(wake({ ...input, ended: 'logout' }, false, T0 + 1_000)).toBeNull()
  })
})
