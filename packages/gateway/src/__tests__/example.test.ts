import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'
import { loadConfig, startGateway } from '../index'

const EXAMPLE = resolve(fileURLToPath(import.meta.url), '../../../examples/curfew.config.json')

it('starts from the example config the README shows (on a free port, a temp audit file)', async () => {
  const config = await loadConfig(EXAMPLE)
  expect(config.compliance).toEqual(['pci-dss-4', 'nist-aal3'])
  const dir = await mkdtemp(join(tmpdir(), 'curfew-example-'))
  const gateway = await startGateway({
    config: {
      ...config,
      listen: { host: '127.0.0.1', port: 0 },
      audit: { file: join(dir, 'audit.jsonl') },
      store: { redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: 'curfew-example-test:' },
      metrics: { prometheus: { host: '127.0.0.1', port: 0 } },
    },
  })
  try {
    const document = await (await fetch(`${gateway.url}/session/policy`)).json()
    expect(document.policies.map((p: { name: string }) => p.name)).toEqual(['default', 'admin'])
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200)
    expect(config.metrics).toEqual({ prometheus: { host: '127.0.0.1', port: 9464, path: '/metrics' } })
    expect((await fetch(gateway.metricsUrl!)).status).toBe(200)
  } finally {
    await gateway.close()
    await rm(dir, { recursive: true, force: true })
  }
})
