import { describe, expect, it } from 'vitest'
import { offsetOf } from '../clock'
import { parseEnded, parseStatus } from '../parse'

const status = {
  state: 'active',
  serverTime: 1_000,
  expiresAt: 61_000,
  idleExpiresAt: 61_000,
  absoluteExpiresAt: 3_601_000,
  expiresBy: 'idle',
  subject: 'ada',
  session: 'h1',
  accessToken: 'secret.jwt',
  policy: {
    name: 'default',
    idleTimeout: 60_000,
    absoluteTimeout: 3_600_000,
    warnBefore: 10_000,
    fingerprint: 'x',
  },
}

describe('parseStatus', () => {
  it('keeps the checked fields and drops everything else (an access token never reaches other tabs)', () => {
    expect(parseStatus(status)).toEqual({
      state: 'active',
      serverTime: 1_000,
      expiresAt: 61_000,
      idleExpiresAt: 61_000,
      absoluteExpiresAt: 3_601_000,
      expiresBy: 'idle',
      session: 'h1',
      subject: 'ada',
      idleTimeout: 60_000,
      warnBefore: 10_000,
    })
  })

  it.each([
    ['null', null],
    ['a string', 'active'],
    ['an unknown state', { ...status, state: 'maybe' }],
    ['a fractional time', { ...status, expiresAt: 1.5 }],
    ['a negative time', { ...status, serverTime: -1 }],
    ['an unknown expiresBy', { ...status, expiresBy: 'never' }],
    ['an unknown reason', { ...status, reason: 'because' }],
    ['a session handle with a separator', { ...status, session: 'a; s=expired' }],
    ['a value whose string form throws', { ...status, session: { toString: 1 } }],
  ])('rejects %s', (_, body) => {
    expect(parseStatus(body)).toBeNull()
  })

  it('ignores a malformed policy instead of trusting it', () => {
    expect(parseStatus({ ...status, policy: { idleTimeout: 'long', warnBefore: 1 } })).not.toHaveProperty(
      'idleTimeout',
    )
  })
})

describe('parseEnded', () => {
  it('reads a SessionError and maps strange reasons to unknown', () => {
    expect(parseEnded({ error: 'session_expired', reason: 'idle', serverTime: 5 }, 9)).toEqual({
      state: 'expired',
      reason: 'idle',
      serverTime: 5,
    })
    expect(parseEnded({ error: 'no_session', reason: 'x'.repeat(99) }, 9)).toEqual({
      state: 'expired',
      reason: 'unknown',
      serverTime: 9,
    })
    expect(parseEnded('nope', 9)).toBeNull()
  })
})

describe('offsetOf', () => {
  it('takes the server time against the midpoint of the request', () => {
    expect(offsetOf(10_500, 1_000, 2_000)).toBe(9_000)
  })
})
