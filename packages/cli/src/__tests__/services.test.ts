import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../run'
import { captureIO, tempFile } from './helpers'
import { expressService, fastifyService, fetchService, type Service } from './services'

const standard = { idleTimeout: '15m', absoluteTimeout: '8h' } as const
const drifted = { idleTimeout: '30m', absoluteTimeout: '8h' } as const

describe('curfew check against Express, Fastify and fetch services on loopback', () => {
  let services: { express: Service; fastify: Service; fetch: Awaited<ReturnType<typeof fetchService>> }
  let policyFile: Awaited<ReturnType<typeof tempFile>>
  beforeAll(async () => {
    services = {
      express: await expressService(standard),
      fastify: await fastifyService(standard),
      fetch: await fetchService(drifted),
    }
    policyFile = await tempFile('policy.json', JSON.stringify(standard))
  })
  afterAll(async () => {
    await Promise.all(Object.values(services).map((s) => s.close()))
    await policyFile.cleanup()
  })

  const urls = () => [services.express.url, services.fastify.url, services.fetch.url]

  it('each service is a real Curfew service: sign-in, then an authenticated request', async () => {
    for (const [name, service] of Object.entries(services)) {
      const origin = service.url.replace(/\/session$/, '')
      const login = await fetch(`${origin}/login`, { method: 'POST', headers: { 'curfew-client': '1' } })
      expect(login.status, name).toBe(200)
      const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!
      const me = await fetch(`${origin}/api/me`, { headers: { cookie } })
      expect(await me.json(), name).toEqual({ subject: `${name}-user` })
      expect(me.headers.get('curfew-session'), name).toBeTruthy()
    }
  })

  it('names the drifted service (the fetch one) and exits 1', async () => {
    const io = captureIO()
    expect(await runCli(['check', ...urls()], io)).toBe(1)
    const text = io.out.join('\n')
    const fetchLine = text.split('\n').find((line) => line.startsWith(services.fetch.url))
    expect(fetchLine).toMatch(/DRIFT\s+idleTimeout 30m ≠ 15m/)
    for (const url of [services.express.url, services.fastify.url]) {
      expect(text.split('\n').find((line) => line.startsWith(url))).toMatch(/\sOK\s*$/)
    }
    expect(text).toContain('result: MISMATCH')
  })

  it('reports the same as JSON against a policy file, with compliance', async () => {
    const io = captureIO()
    const code = await runCli(
      ['check', ...urls(), '--policy', policyFile.path, '--compliance', 'pci-dss-4', '--json'],
      io,
    )
    expect(code).toBe(1)
    const report = JSON.parse(io.out.join('\n'))
    expect(report.rows.filter((r: { status: string }) => r.status !== 'ok')).toEqual([
      expect.objectContaining({
        service: services.fetch.url,
        status: 'drift',
        fingerprint: services.fetch.manager.defaultPolicy.fingerprint,
      }),
    ])
    expect(
      report.compliance
        .filter((c: { status: string }) => c.status === 'fail')
        .map((c: { service: string }) => c.service),
    ).toEqual([services.fetch.url])
  })

  it('exits 0 once the drifted service is redeployed with the agreed policy', async () => {
    await services.fetch.redeploy(standard)
    const io = captureIO()
    expect(
      await runCli(['check', ...urls(), '--policy', policyFile.path, '--compliance', 'pci-dss-4'], io),
    ).toBe(0)
    expect(io.out.join('\n')).toContain('result: all services agree')
    expect(services.fetch.manager.defaultPolicy.fingerprint).toBe(
      services.express.manager.defaultPolicy.fingerprint,
    )
  })
})
