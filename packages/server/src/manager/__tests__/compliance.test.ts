import { isCurfewError, presets } from '@curfew/core'
import { describe, expect, it } from 'vitest'
import { createSessionManager } from '../createSessionManager'

describe('compliance option', () => {
  it('starts when every tier meets every rule, and exposes the results', async () => {
    const manager = createSessionManager({
      policies: { default: presets.nistAal3, admin: presets.owaspHighValue },
      compliance: ['pci-dss-4', 'nist-aal3'],
    })
    expect(manager.compliance.map((r) => `${r.policy}:${r.rule}:${r.status}`)).toEqual([
      'default:pci-dss-4:pass',
      'default:nist-aal3:pass',
      'admin:pci-dss-4:pass',
      'admin:nist-aal3:pass',
    ])
    await manager.close()
  })

  it('refuses to start with compliance_failed naming each failing tier, rule and value', () => {
    let error: unknown
    try {
      createSessionManager({
        policies: {
          default: { idleTimeout: '15m', absoluteTimeout: '12h' },
          reports: { idleTimeout: '30m', absoluteTimeout: '24h' },
        },
        compliance: ['pci-dss-4', 'nist-aal3'],
      })
    } catch (caught) {
      error = caught
    }
    expect(isCurfewError(error, 'compliance_failed')).toBe(true)
    const message = (error as Error).message
    expect(message).toContain('policy "reports": pci-dss-4')
    expect(message).toContain('idleTimeout 30m > 15m')
    expect(message).toContain('policy "reports": nist-aal3')
    expect(message).toContain('absoluteTimeout 1d > 12h')
    expect(message).not.toContain('policy "default"')
  })

  it('starts despite advisory warnings and reports them as warn', async () => {
    const manager = createSessionManager({
      policy: { idleTimeout: '15m', absoluteTimeout: '12h' },
      compliance: ['owasp-high-value'],
    })
    expect(manager.compliance).toEqual([
      expect.objectContaining({ policy: 'default', rule: 'owasp-high-value', status: 'warn' }),
    ])
    await manager.close()
  })

  it('refuses a misspelt rule rather than ignoring it', () => {
    expect(() => createSessionManager({ policy: presets.pciDss4, compliance: ['pci-dss-40'] })).toThrow(
      /unknown rule "pci-dss-40"/,
    )
  })

  it('refuses a compliance value that is not an array', () => {
    expect(() =>
      createSessionManager({ policy: presets.pciDss4, compliance: 'pci-dss-4' as unknown as string[] }),
    ).toThrow(expect.objectContaining({ code: 'invalid_option' }))
  })

  it('has no results without the option', async () => {
    const manager = createSessionManager({ policy: presets.pciDss4 })
    expect(manager.compliance).toEqual([])
    await manager.close()
  })
})
