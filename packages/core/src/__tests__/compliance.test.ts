import { describe, expect, it } from 'vitest'
import { checkCompliance, complianceRules } from '../compliance'
import { presets } from '../presets'

describe('checkCompliance', () => {
  it('passes each preset against its own standard', () => {
    expect(checkCompliance(presets.pciDss4, ['pci-dss-4'])[0]?.status).toBe('pass')
    expect(checkCompliance(presets.nistAal2, ['nist-aal2'])[0]?.status).toBe('pass')
    expect(checkCompliance(presets.nistAal3, ['nist-aal3'])[0]?.status).toBe('pass')
    expect(checkCompliance(presets.hipaa, ['hipaa'])[0]?.status).toBe('pass')
    expect(checkCompliance(presets.owaspHighValue, ['owasp-high-value'])[0]?.status).toBe('pass')
    expect(checkCompliance(presets.owaspLowRisk, ['owasp-low-risk'])[0]?.status).toBe('pass')
  })

  it('fails a hard limit and reports configured vs required', () => {
    const [result] = checkCompliance({ idleTimeout: '30m', absoluteTimeout: '12h' }, ['pci-dss-4'])
    expect(result).toMatchObject({
      rule: 'pci-dss-4',
      status: 'fail',
      checks: [{ field: 'idleTimeout', configured: 1_800_000, required: 900_000, ok: false }],
      summary: 'idleTimeout 30m > 15m',
    })
    expect(result?.clause).toContain('8.2.8')
  })

  it('checks the absolute lifetime where the standard sets one', () => {
    const [result] = checkCompliance({ idleTimeout: '15m', absoluteTimeout: '13h' }, ['nist-aal3'])
    expect(result?.status).toBe('fail')
    expect(result?.summary).toBe('idleTimeout 15m ≤ 15m, absoluteTimeout 13h > 12h')
  })

  it('holds nist-aal2 to idle ≤ 1 h and overall ≤ 24 h, each limit inclusive', () => {
    expect(checkCompliance({ idleTimeout: '1h', absoluteTimeout: '24h' }, ['nist-aal2'])[0]).toMatchObject({
      status: 'pass',
      checks: [
        { field: 'idleTimeout', configured: 3_600_000, required: 3_600_000, ok: true },
        { field: 'absoluteTimeout', configured: 86_400_000, required: 86_400_000, ok: true },
      ],
    })
    const idle = checkCompliance({ idleTimeout: 3_600_001, absoluteTimeout: '24h' }, ['nist-aal2'])[0]
    expect(idle).toMatchObject({ status: 'fail', checks: [{ ok: false }, { ok: true }] })
    const overall = checkCompliance({ idleTimeout: '1h', absoluteTimeout: 86_400_001 }, ['nist-aal2'])[0]
    expect(overall).toMatchObject({ status: 'fail', checks: [{ ok: true }, { ok: false }] })
    expect(overall?.clause).toContain('800-63B')
  })

  it('warns rather than fails where the standard is guidance', () => {
    const results = checkCompliance(presets.nistAal2, ['hipaa', 'owasp-high-value', 'owasp-low-risk'])
    expect(results.map((r) => r.status)).toEqual(['warn', 'warn', 'warn'])
  })

  it('fails an unknown rule instead of ignoring it, naming the rules it knows', () => {
    expect(checkCompliance(presets.pciDss4, ['pci-dss-3'])).toEqual([
      {
        rule: 'pci-dss-3',
        status: 'fail',
        clause: 'unknown rule',
        checks: [],
        summary:
          'unknown rule "pci-dss-3"; known: pci-dss-4, nist-aal2, nist-aal3, hipaa, owasp-high-value, owasp-low-risk',
      },
    ])
  })

  it('names the clause of each standard it checks', () => {
    const clauses = Object.fromEntries(
      checkCompliance(presets.pciDss4, complianceRules).map((r) => [r.rule, r.clause]),
    )
    expect(clauses).toEqual({
      'pci-dss-4': expect.stringContaining('PCI DSS v4.0 req. 8.2.8'),
      'nist-aal2': expect.stringContaining('NIST SP 800-63B-4 §2.2.3 (AAL2'),
      'nist-aal3': expect.stringContaining('NIST SP 800-63B-4 §2.3.3 (AAL3'),
      hipaa: expect.stringContaining('HIPAA §164.312(a)(2)(iii)'),
      'owasp-high-value': expect.stringContaining('OWASP Session Management Cheat Sheet (high-value'),
      'owasp-low-risk': expect.stringContaining('OWASP Session Management Cheat Sheet (low-risk'),
    })
  })

  it('lists every rule it knows', () => {
    expect(complianceRules).toHaveLength(6)
  })
})
