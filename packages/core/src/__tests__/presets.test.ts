import { describe, expect, it } from 'vitest'
import { policyFingerprint } from '../fingerprint'
import { definePolicy } from '../policy'
import { presets } from '../presets'

// Kept apart from policy.test.ts: presets are built when the module loads, so a definePolicy that
// throws for every input fails these files at import; policy.test.ts then still reports the failing cases.
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

describe('preset fingerprints', () => {
  it('equal those of the same limits written by hand, so Node and browsers agree', () => {
    expect(policyFingerprint(presets.nistAal3)).toBe(
      policyFingerprint({ idleTimeout: '15m', absoluteTimeout: '12h' }),
    )
  })

  it('are frozen, resolved policies that definePolicy accepts unchanged', () => {
    for (const preset of Object.values(presets)) {
      expect(Object.isFrozen(preset)).toBe(true)
      expect(definePolicy(preset)).toEqual(preset)
    }
  })
})
