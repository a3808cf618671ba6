import { describe, expect, it } from 'vitest'
import { isCurfewError } from '../errors'
import { policyFingerprint } from '../fingerprint'
import { definePolicy } from '../policy'
import { presets } from '../presets'

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
  ])('rejects %s with %s', (_label, input, code) => {
    let thrown: unknown
    try {
      definePolicy(input as never)
    } catch (error) {
      thrown = error
    }
    expect(isCurfewError(thrown, code as never)).toBe(true)
  })
})

describe('presets', () => {
  it.each([
    ['pciDss4', 900_000, 43_200_000, '8.2.8'],
    ['nistAal2', 3_600_000, 86_400_000, '800-63B-4'],
    ['nistAal3', 900_000, 43_200_000, '800-63B-4'],
    ['owaspHighValue', 300_000, 14_400_000, 'OWASP'],
    ['owaspLowRisk', 1_800_000, 28_800_000, 'OWASP'],
    ['hipaa', 900_000, 43_200_000, '164.312(a)(2)(iii)'],
  ] as const)('%s enforces its clause', (key, idle, absolute, clause) => {
    const preset = presets[key]
    expect(preset.idleTimeout).toBe(idle)
    expect(preset.absoluteTimeout).toBe(absolute)
    expect(preset.source).toContain(clause)
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
    expect(policyFingerprint(presets.nistAal3)).toBe(
      policyFingerprint({ idleTimeout: '15m', absoluteTimeout: '12h' }),
    )
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
