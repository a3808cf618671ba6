import { policyFingerprint, presets } from '@curfew/core'
import { describe, expect, it } from 'vitest'
import { runCli } from '../run'
import { captureIO, tempFile } from './helpers'

describe('curfew policy', () => {
  it('prints a valid policy with its fingerprint and exits 0', async () => {
    const file = await tempFile('p.json', JSON.stringify({ idleTimeout: '15m', absoluteTimeout: '12h' }))
    const io = captureIO()
    expect(await runCli(['policy', file.path], io)).toBe(0)
    expect(io.out.join('\n')).toContain(policyFingerprint(presets.nistAal3))
    expect(io.out.join('\n')).toContain('15m')
    await file.cleanup()
  })

  it('prints named tiers and fails (1) a compliance rule that a tier breaks', async () => {
    const file = await tempFile(
      'p.json',
      JSON.stringify({
        policies: {
          default: { idleTimeout: '15m', absoluteTimeout: '12h' },
          lax: { idleTimeout: '1h', absoluteTimeout: '12h' },
        },
      }),
    )
    const io = captureIO()
    expect(await runCli(['policy', file.path, '--compliance', 'pci-dss-4', '--json'], io)).toBe(1)
    const json = JSON.parse(io.out.join('\n'))
    expect(json.policies.map((p: { name: string }) => p.name)).toEqual(['default', 'lax'])
    expect(json.compliance.map((c: { status: string }) => c.status)).toEqual(['pass', 'fail'])
    await file.cleanup()
  })

  it('exits 2 with the reason for a file that is not JSON, missing, or an invalid policy', async () => {
    const bad = await tempFile('bad.json', '{ idle: 15m')
    const invalid = await tempFile(
      'invalid.json',
      JSON.stringify({ idleTimeout: '2h', absoluteTimeout: '1h' }),
    )
    const typo = await tempFile('typo.json', JSON.stringify({ idleTimout: '2h', absoluteTimeout: '1h' }))
    for (const [path, text] of [
      [bad.path, 'not valid JSON'],
      ['/nonexistent/policy.json', 'Cannot read'],
      [invalid.path, 'policy_idle_exceeds_absolute'],
      [typo.path, 'policy_unknown_key'],
    ] as const) {
      const io = captureIO()
      expect(await runCli(['policy', path], io)).toBe(2)
      expect(io.err.join('\n')).toContain(text)
    }
    await Promise.all([bad.cleanup(), invalid.cleanup(), typo.cleanup()])
  })

  it('exits 2 for unknown commands and missing arguments', async () => {
    expect(await runCli(['frobnicate'], captureIO())).toBe(2)
    expect(await runCli(['policy'], captureIO())).toBe(2)
    expect(await runCli([], captureIO())).toBe(2)
  })
})
