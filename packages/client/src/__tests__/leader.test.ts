import { describe, expect, it } from 'vitest'
import { checkOnWake, leaderAnswer, lookDue } from '../leader'
import { stateAt, T0 } from './rules'

const expiresAt = T0 + 60_000
const look = {
  status: 'active' as const,
  previous: 'active' as const,
  ended: null,
  expiresAt,
  lookedBefore: null,
  t: T0,
  warnBefore: 10_000,
}

describe('lookDue (when the leader asks the server as time passes)', () => {
  it('asks on entering the warning and at the predicted deadline', () => {
    expect(lookDue(look)).toBeNull()
    expect(lookDue({ ...look, status: 'warning', t: T0 + 50_000 })).toBe('status')
    expect(lookDue({ ...look, status: 'expired', previous: 'warning', t: expiresAt })).toBe('status')
  })

  it('does not ask again at an end the server stated', () => {
    expect(lookDue({ ...look, status: 'expired', previous: 'warning', ended: 'idle' })).toBeNull()
  })

  it('takes one last look 5 s before the deadline, once per deadline', () => {
    const warning = { ...look, status: 'warning' as const, previous: 'warning' as const }
    expect(lookDue({ ...warning, t: expiresAt - 5_001 })).toBeNull()
    expect(lookDue({ ...warning, t: expiresAt - 5_000 })).toBe('last look')
    expect(lookDue({ ...warning, t: expiresAt - 1_000, lookedBefore: expiresAt })).toBeNull()
    expect(
      lookDue({ ...warning, t: expiresAt + 9_000, expiresAt: expiresAt + 10_000, lookedBefore: expiresAt }),
    ).toBe('last look')
  })
})

describe('checkOnWake', () => {
  const state = stateAt()
  it('asks when nothing is known yet, or when the predicted end is unconfirmed', () => {
    expect(checkOnWake({ leader: true, ended: null, state: null, t: T0 })).toBe(true)
    expect(checkOnWake({ leader: true, ended: null, state, t: expiresAt })).toBe(true)
  })

  it('does not ask before the deadline, after a stated end, or in a follower', () => {
    expect(checkOnWake({ leader: true, ended: null, state, t: T0 })).toBe(false)
    expect(checkOnWake({ leader: true, ended: 'idle', state, t: expiresAt })).toBe(false)
    expect(checkOnWake({ leader: false, ended: null, state: null, t: T0 })).toBe(false)
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
