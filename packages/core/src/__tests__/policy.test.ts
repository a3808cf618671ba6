import { describe, expect, it } from 'vitest'
import { isCurfewError } from '../errors'
import { policyFingerprint } from '../fingerprint'
import { definePolicy } from '../policy'

describe('definePolicy', () => {
  it('resolves durations, fills defaults and freezes the result', () => {
    const policy = definePolicy({ idleTimeout: '15m', absoluteTimeout: '12h' })
    expect(policy).toEqual({
      name: 'default',
      idleTimeout: 900_000,
      absoluteTimeout: 43_200_000,
      warnBefore: 120_000,
      touchInterval: 60_000,
      renewEvery: 0,
      renewGrace: 0,
    })
    expect(Object.isFrozen(policy)).toBe(true)
  })

  it('scales default warnings and throttles down for short idle timeouts', () => {
    const policy = definePolicy({ idleTimeout: '2m', absoluteTimeout: '10m' })
    expect(policy.warnBefore).toBe(24_000)
    expect(policy.touchInterval).toBe(12_000)
  })

  it('turns renewal on with a 30 s grace by default', () => {
    const policy = definePolicy({ idleTimeout: '15m', absoluteTimeout: '12h', renewEvery: '5m' })
    expect(policy.renewEvery).toBe(300_000)
    expect(policy.renewGrace).toBe(30_000)
  })

  it('keeps explicit values, source included, and leaves source out when not given', () => {
    const policy = definePolicy({
      name: 'payments.v2',
      idleTimeout: 60_000,
      absoluteTimeout: '1h',
      warnBefore: '10s',
      touchInterval: '30s',
      renewEvery: '5m',
      renewGrace: '5s',
      source: 'PCI DSS',
    })
    expect(policy).toEqual({
      name: 'payments.v2',
      idleTimeout: 60_000,
      absoluteTimeout: 3_600_000,
      warnBefore: 10_000,
      touchInterval: 30_000,
      renewEvery: 300_000,
      renewGrace: 5_000,
      source: 'PCI DSS',
    })
    expect(definePolicy({ idleTimeout: '1m', absoluteTimeout: '1h' })).not.toHaveProperty('source')
  })

  it('accepts the limits of each check exactly', () => {
    // idle = absolute; touchInterval exactly half the idle timeout; warnBefore 1 ms short of idle.
    expect(definePolicy({ idleTimeout: '1h', absoluteTimeout: '1h' }).idleTimeout).toBe(3_600_000)
    expect(
      definePolicy({ idleTimeout: '1m', absoluteTimeout: '1h', touchInterval: '30s' }).touchInterval,
    ).toBe(30_000)
    expect(definePolicy({ idleTimeout: '1m', absoluteTimeout: '1h', touchInterval: 0 }).touchInterval).toBe(0)
    expect(definePolicy({ idleTimeout: 60_000, absoluteTimeout: '1h', warnBefore: 59_999 }).warnBefore).toBe(
      59_999,
    )
    expect(
      definePolicy({ name: 'x'.repeat(64), idleTimeout: '1m', absoluteTimeout: '1h' }).name,
    ).toHaveLength(64)
    // renewal off (0) carries no grace, whatever renewGrace says
    expect(definePolicy({ idleTimeout: '1m', absoluteTimeout: '1h', renewEvery: 0 })).toMatchObject({
      renewEvery: 0,
      renewGrace: 0,
    })
  })

  it('accepts a resolved policy again (idempotent)', () => {
    const policy = definePolicy({ name: 'admin', idleTimeout: '5m', absoluteTimeout: '1h', source: 'x' })
    expect(definePolicy(policy)).toEqual(policy)
  })

  it.each([
    ['not an object', 'nope', 'invalid_policy'],
    ['null', null, 'invalid_policy'],
    ['an array', [], 'invalid_policy'],
    ['missing idleTimeout', { absoluteTimeout: '1h' }, 'invalid_policy'],
    ['missing absoluteTimeout', { idleTimeout: '1h' }, 'invalid_policy'],
    ['zero idle', { idleTimeout: 0, absoluteTimeout: '1h' }, 'invalid_duration'],
    ['negative idle', { idleTimeout: -5, absoluteTimeout: '1h' }, 'invalid_duration'],
    ['zero absolute', { idleTimeout: '1m', absoluteTimeout: '0s' }, 'invalid_duration'],
    ['bad duration string', { idleTimeout: '15 minutes', absoluteTimeout: '1h' }, 'invalid_duration'],
    ['idle > absolute', { idleTimeout: '2h', absoluteTimeout: '1h' }, 'policy_idle_exceeds_absolute'],
    [
      'warnBefore = idle',
      { idleTimeout: '1m', absoluteTimeout: '1h', warnBefore: '1m' },
      'policy_warn_before_too_long',
    ],
    [
      'warnBefore > idle',
      { idleTimeout: '1m', absoluteTimeout: '1h', warnBefore: '2m' },
      'policy_warn_before_too_long',
    ],
    ['zero warnBefore', { idleTimeout: '1m', absoluteTimeout: '1h', warnBefore: 0 }, 'invalid_duration'],
    [
      'touchInterval too long',
      { idleTimeout: '1m', absoluteTimeout: '1h', touchInterval: '31s' },
      'policy_touch_interval_too_long',
    ],
    [
      'negative touchInterval',
      { idleTimeout: '1m', absoluteTimeout: '1h', touchInterval: -1 },
      'invalid_duration',
    ],
    ['negative renewEvery', { idleTimeout: '1m', absoluteTimeout: '1h', renewEvery: -1 }, 'invalid_duration'],
    [
      'zero renewGrace',
      { idleTimeout: '1m', absoluteTimeout: '1h', renewEvery: '1m', renewGrace: 0 },
      'invalid_duration',
    ],
    ['typo key', { idleTimout: '1m', idleTimeout: '1m', absoluteTimeout: '1h' }, 'policy_unknown_key'],
    ['bad name', { name: 'has space', idleTimeout: '1m', absoluteTimeout: '1h' }, 'invalid_policy'],
    ['non-string name', { name: 5, idleTimeout: '1m', absoluteTimeout: '1h' }, 'invalid_policy'],
    ['non-string source', { source: 5, idleTimeout: '1m', absoluteTimeout: '1h' }, 'invalid_policy'],
    [
      'a name of 65 characters',
      { name: 'x'.repeat(65), idleTimeout: '1m', absoluteTimeout: '1h' },
      'invalid_policy',
    ],
    ['an empty name', { name: '', idleTimeout: '1m', absoluteTimeout: '1h' }, 'invalid_policy'],
    ['a name with a slash', { name: 'a/b', idleTimeout: '1m', absoluteTimeout: '1h' }, 'invalid_policy'],
  ])('rejects %s with %s', (_label, input, code) => {
    let thrown: unknown
    try {
      definePolicy(input as never)
    } catch (error) {
      thrown = error
    }
    expect(isCurfewError(thrown, code as never)).toBe(true)
  })

  it.each([
    ['a string', 'nope', /must be an object such as \{ idleTimeout: "15m", absoluteTimeout: "12h" \}/],
    [
      'a typo',
      { idleTimout: '1m', idleTimeout: '1m', absoluteTimeout: '1h' },
      /^Unknown policy key "idleTimout"\. Known keys: name, idleTimeout, absoluteTimeout, warnBefore, touchInterval, renewEvery, renewGrace, source\.$/,
    ],
    ['a bad name', { name: 'a b', idleTimeout: '1m', absoluteTimeout: '1h' }, /"name" must be 1-64 letters/],
    ['no idle timeout', { absoluteTimeout: '1h' }, /missing "idleTimeout"/],
    [
      'a zero absolute timeout',
      { idleTimeout: '1m', absoluteTimeout: 0 },
      /"absoluteTimeout" must be longer than zero/,
    ],
    [
      'idle over absolute',
      { idleTimeout: '2h', absoluteTimeout: '1h' },
      /"idleTimeout" must not exceed "absoluteTimeout"/,
    ],
    [
      'a long warning',
      { idleTimeout: '1m', absoluteTimeout: '1h', warnBefore: '1m' },
      /"warnBefore" must be shorter than "idleTimeout"/,
    ],
    [
      'a zero warning',
      { idleTimeout: '1m', absoluteTimeout: '1h', warnBefore: 0 },
      /"warnBefore" must be longer than zero/,
    ],
    [
      'a long throttle',
      { idleTimeout: '1m', absoluteTimeout: '1h', touchInterval: '31s' },
      /"touchInterval" must be at most half of "idleTimeout"/,
    ],
    [
      'a zero grace',
      { idleTimeout: '1m', absoluteTimeout: '1h', renewEvery: '1m', renewGrace: 0 },
      /"renewGrace" must be longer than zero/,
    ],
    [
      'a numeric source',
      { source: 5, idleTimeout: '1m', absoluteTimeout: '1h' },
      /"source" must be a string/,
    ],
  ])('names the problem with %s in the message', (_label, input, message) => {
    expect(() => definePolicy(input as never)).toThrow(message)
  })
})

describe('policyFingerprint', () => {
  it('ignores key order, duration spelling, name and source', () => {
    const a = policyFingerprint({ idleTimeout: '15m', absoluteTimeout: '12h' })
    const b = policyFingerprint({
      absoluteTimeout: 43_200_000,
      idleTimeout: 900_000,
      name: 'other',
      source: 's',
    })
    expect(a).toBe(b)
    expect(a).toMatch(/^p1_[0-9a-f]{28}$/)
  })

  it('is a known constant, so Node and browsers agree byte for byte', () => {
    expect(policyFingerprint({ idleTimeout: 1000, absoluteTimeout: 2000 })).toMatchInlineSnapshot(
      `"p1_1367af1164771c07f601cd32209b"`,
    )
  })

  it('changes when any limit changes', () => {
    const base = { idleTimeout: '15m', absoluteTimeout: '12h' }
    const prints = new Set([
      policyFingerprint(base),
      policyFingerprint({ ...base, idleTimeout: '14m' }),
      policyFingerprint({ ...base, absoluteTimeout: '11h' }),
      policyFingerprint({ ...base, warnBefore: '1m' }),
      policyFingerprint({ ...base, touchInterval: '30s' }),
      policyFingerprint({ ...base, renewEvery: '5m' }),
      policyFingerprint({ ...base, renewEvery: '5m', renewGrace: '10s' }),
    ])
    expect(prints.size).toBe(7)
  })
})
