import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../run'
import { captureIO, documentFor, serve, tempFile } from './helpers'

const standard = { idleTimeout: '15m', absoluteTimeout: '12h' } as const
const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()))
})

async function service(body: unknown, status?: number) {
  const s = await serve(body, status)
  closers.push(s.close)
  return s.url
}

describe('curfew check', () => {
  it('exits 0 when every service states the same policy', async () => {
    const a = await service(documentFor([standard]))
    const b = await service(documentFor([{ absoluteTimeout: 43_200_000, idleTimeout: 900_000 }]))
    const io = captureIO()
    expect(await runCli(['check', a, b], io)).toBe(0)
    expect(io.out.join('\n')).toContain('all services agree')
  })

  it('names the drifted service and the differing value, and exits 1', async () => {
    const a = await service(documentFor([standard]))
    const drifted = await service(documentFor([{ idleTimeout: '30m', absoluteTimeout: '12h' }]))
    const io = captureIO()
    expect(await runCli(['check', a, drifted, '--json'], io)).toBe(1)
    const report = JSON.parse(io.out.join('\n'))
    const bad = report.rows.filter((r: { status: string }) => r.status !== 'ok')
    expect(bad).toEqual([
      expect.objectContaining({ service: drifted, status: 'drift', detail: 'idleTimeout 30m ≠ 15m' }),
    ])
  })

  it('compares against a reference file and reports missing and extra tiers', async () => {
    const file = await tempFile(
      'p.json',
      JSON.stringify({
        policies: { default: standard, admin: { idleTimeout: '5m', absoluteTimeout: '4h' } },
      }),
    )
    const a = await service(
      documentFor([
        { ...standard, name: 'default' },
        { name: 'payments', idleTimeout: '5m', absoluteTimeout: '1h' },
      ]),
    )
    const io = captureIO()
    expect(await runCli(['check', a, '--policy', file.path, '--json'], io)).toBe(1)
    const statuses = JSON.parse(io.out.join('\n')).rows.map(
      (r: { policy: string; status: string }) => `${r.policy}:${r.status}`,
    )
    expect(statuses).toEqual(['default:ok', 'admin:missing', 'payments:extra'])
    await file.cleanup()
  })

  it('flags a document whose fingerprint does not match its own values', async () => {
    const doc = documentFor([standard])
    doc.policies[0]!.fingerprint = 'p1_forged'
    const a = await service(doc)
    const io = captureIO()
    expect(await runCli(['check', a], io)).toBe(1)
    expect(io.out.join('\n')).toContain('claims fingerprint p1_forged')
  })

  it('fails compliance rules per service', async () => {
    const a = await service(documentFor([{ idleTimeout: '30m', absoluteTimeout: '12h' }]))
    const io = captureIO()
    expect(await runCli(['check', a, '--compliance', 'pci-dss-4,owasp-low-risk'], io)).toBe(1)
    const text = io.out.join('\n')
    expect(text).toMatch(/pci-dss-4\s+FAIL/)
    expect(text).toMatch(/owasp-low-risk\s+PASS/)
  })

  it('exits 3 for an unreachable service, an HTTP error, bad JSON, or a non-Curfew answer', async () => {
    const closed = await serve(documentFor([standard]))
    await closed.close()
    const cases = [
      closed.url,
      await service({ error: 'nope' }, 500),
      await service('{ not json'),
      await service({ hello: 'world' }),
    ]
    for (const url of cases) {
      const io = captureIO()
      expect(await runCli(['check', url, '--timeout', '2000'], io)).toBe(3)
      expect(io.out.join('\n')).toContain('error:')
    }
  })

  it('exits 2 for a non-URL or no URL at all', async () => {
    expect(await runCli(['check', 'not a url'], captureIO())).toBe(2)
    expect(await runCli(['check', 'ftp://x/session'], captureIO())).toBe(2)
    expect(await runCli(['check'], captureIO())).toBe(2)
  })
})
