import { describe, expect, it } from 'vitest'
import { checkOnWake, leaderAnswer, lookDue } from '../leader'
import { stateAt, T0 } from './rules'

const expiresAt = T0 + 60_000
const state = stateAt()
const at = (t: number) => ({ state, ended: null, t, warnBefore: 10_000 })

describe('lookDue (when the leader asks the server as time passes)', () => {
  it('asks on entering the warning and at the predicted deadline', () => {
    expect(lookDue(at(T0), 'active', null)).toBeNull()
    expect(lookDue(at(T0 + 50_000), 'active', null)).toBe('status')
    expect(lookDue(at(expiresAt), 'warning', null)).toBe('status')
  })

  it('does not ask again at an end the server stated', () => {
    expect(lookDue({ ...at(T0), ended: 'idle' }, 'warning', null)).toBeNull()
  })

  it('takes one last look 5 s before the deadline, once per deadline', () => {
    expect(lookDue(at(expiresAt - 5_001), 'warning', null)).toBeNull()
    expect(lookDue(at(expiresAt - 5_000), 'warning', null)).toBe('last look')
    expect(lookDue(at(expiresAt - 1_000), 'warning', expiresAt)).toBeNull()
    const moved = { ...at(expiresAt + 9_000), state: stateAt({ expiresAt: expiresAt + 10_000 }) }
    expect(lookDue(moved, 'warning', expiresAt)).toBe('last look')
  })
})

describe('checkOnWake', () => {
  it('asks when nothing is known yet, or when the predicted end is unconfirmed', () => {
    expect(checkOnWake({ ...at(T0), state: null })).toBe(true)
    expect(checkOnWake(at(expiresAt))).toBe(true)
  })

  it('does not ask before the deadline, nor after a stated end (a follower never asks: the client checks)', () => {
    expect(checkOnWake(at(T0))).toBe(false)
    expect(checkOnWake({ ...at(expiresAt), ended: 'idle' })).toBe(false)
  })
})

describe('leaderAnswer (what the leader does with a follower message)', () => {
  it('counts activity', () => {
    expect(leaderAnswer({ k: 'activity' }, 0)).toBe('activity')
  })

  it('answers a refresh the asker had not yet seen with the newest state, and refreshes otherwise', () => {
    expect(leaderAnswer({ k: 'refresh', stamp: T0 }, T0 + 1)).toBe('share')
    expect(leaderAnswer({ k: 'refresh', stamp: T0 + 1 }, T0 + 1)).toBe('refresh')
  })

  it('checks with the server for a new tab, and for any kind it does not know', () => {
    expect(leaderAnswer({ k: 'check', stamp: 0 }, 0)).toBe('check')
    expect(leaderAnswer({ k: 'ask' } as never, 0)).toBe('check')
  })
})
