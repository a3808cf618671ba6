import { describe, expect, it } from 'vitest'
import { answerNews, nothingHeld, withNews } from '../news'
import { stateAt, T0 } from './rules'

const state = stateAt()

describe('withNews (the news rule)', () => {
  it('takes newer news and ignores older news', () => {
    const held = withNews(nothingHeld(), { state, ended: null, stateTime: T0 })!
    expect(held).toEqual({ state, ended: null, stateTime: T0, owner: 'ada', switched: false })
    expect(withNews(held, { state: null, ended: 'idle', stateTime: T0 - 1 })).toBeNull()
  })

  it("keeps the first end reason when the next answer says only 'missing'", () => {
    const ended = withNews(nothingHeld(), { state, ended: 'revoked', stateTime: T0 })!
    expect(withNews(ended, { state, ended: 'missing', stateTime: T0 + 1 })?.ended).toBe('revoked')
    expect(withNews(nothingHeld(), { state, ended: 'missing', stateTime: T0 })?.ended).toBe('missing')
  })

  it('marks another subject as a switch, and the owner signing in again as none', () => {
    const held = withNews(nothingHeld(), { state, ended: null, stateTime: T0 })!
    const other = withNews(held, {
      state: stateAt({ subject: 'bob', session: 'h2' }),
      ended: null,
      stateTime: T0 + 1,
    })!
    expect(other).toMatchObject({ owner: 'ada', switched: true })
    expect(
      withNews(other, { state: stateAt({ session: 'h3' }), ended: null, stateTime: T0 + 2 })?.switched,
    ).toBe(false)
  })
})

describe('answerNews', () => {
  it('takes the deadlines of a status, and keeps the held state on a 401', () => {
    expect(answerNews(state, null)).toEqual({ state, ended: null, stateTime: T0 })
    expect(answerNews({ state: 'expired', reason: 'idle', serverTime: T0 + 5 }, state)).toEqual({
      state,
      ended: 'idle',
      stateTime: T0 + 5,
    })
  })
})
