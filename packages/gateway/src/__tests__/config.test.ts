import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GatewayConfigError, parseConfig, SERVE_EXIT, serve } from '../index'

const policy = { idleTimeout: '15m', absoluteTimeout: '12h' }

function keyOf(input: unknown): string {
  try {
    parseConfig(input)
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayConfigError)
    return (error as GatewayConfigError).key
  }
  throw new Error('config was accepted')
}

describe('parseConfig', () => {
  it('applies the defaults: memory store, audit to stdout, loopback port 4180, no dev sign-in', () => {
    const config = parseConfig({ policy })
    expect(config.store).toBe('memory')
    expect(config.audit).toBe('stdout')
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 4180 })
    expect(config.devSignIn).toBe(false)
    expect(config.onStoreError).toBe('unavailable')
    expect(config.metrics).toBe('global')
    expect(parseConfig({ policy, metrics: { prometheus: {} } }).metrics).toEqual({
      prometheus: { host: '127.0.0.1', port: 9464, path: '/metrics' },
    })
  })

  it('accepts a Redis URL, a cluster, tiers, OIDC and upstreams', () => {
    const config = parseConfig({
      policies: { default: policy, admin: { idleTimeout: '5m', absoluteTimeout: '1h' } },
      tiers: [{ policy: 'admin', paths: ['/admin/**'] }],
      store: { redis: { cluster: ['redis://10.0.0.1:7000', 'redis://10.0.0.2:7000'] } },
      oidc: {
        issuer: 'https://idp.example.com',
        clientId: 'curfew',
        clientSecret: 's3cret',
        redirectUri: 'https://app.example.com/curfew/callback',
        secret: 'an-oidc-secret-of-at-least-32-characters',
      },
      upstream: [{ prefix: '/api', url: 'http://127.0.0.1:3000' }],
    })
    expect(config.oidc?.scopes).toEqual(['openid', 'profile', 'email'])
    expect(config.oidc?.backchannelLogout).toBe(true)
    expect(config.upstream).toEqual([
      { prefix: '/api', url: 'http://127.0.0.1:3000', websocket: true, public: false },
    ])
  })

  it('names the offending key of each mistake', () => {
    expect(keyOf({})).toBe('policy')
    expect(keyOf({ policy: { idleTimeout: '15m' } })).toBe('policy.absoluteTimeout')
    expect(keyOf({ policy: { idleTimeout: '2h', absoluteTimeout: '1h' } })).toBe('policy')
    expect(keyOf({ policy, listen: { port: 'eighty' } })).toBe('listen.port')
    expect(keyOf({ policy, store: { redis: 'http://nope' } })).toBe('store.redis')
    expect(keyOf({ policy, store: 'postgres' })).toBe('store')
    expect(keyOf({ policy, polcy: policy })).toBe('polcy')
    expect(keyOf({ policy, cookie: { domain: 'exa mple.com' } })).toBe('cookie.domain')
    expect(keyOf({ policy, upstream: [{ url: 'ftp://x' }] })).toBe('upstream.0.url')
    expect(keyOf({ policy, tiers: [{ policy: 'admin', paths: ['/admin/**'] }] })).toBe('tiers.0.policy')
    expect(keyOf({ policy, passive: ['no-slash'] })).toBe('passive.0')
    expect(keyOf({ policy, oidc: { issuer: 'https://idp.test' } })).toBe('oidc.clientId')
    expect(keyOf({ policy, accessToken: { secret: 'short' } })).toBe('accessToken.secret')
    expect(keyOf({ policy, audit: 'syslog' })).toBe('audit')
    expect(keyOf({ policy, onStoreError: 'allow' })).toBe('onStoreError')
    expect(keyOf({ policy, metrics: 'prometheus' })).toBe('metrics')
    expect(keyOf({ policy, metrics: { prometheus: { port: 99999 } } })).toBe('metrics.prometheus.port')
  })

  it('says what it expected, in one line', () => {
    try {
      parseConfig({ policy, listen: { port: 'eighty' } })
    } catch (error) {
      expect((error as Error).message).toMatch(/^"listen\.port": .*expected number/)
      expect((error as Error).message).not.toContain('\n')
    }
  })
})

describe('curfew serve with a bad config', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'curfew-config-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  async function run(name: string, content: string | null): Promise<{ code: number; lines: string[] }> {
    const path = join(dir, name)
    if (content !== null) await writeFile(path, content)
    const lines: string[] = []
    const code = await serve({ configPath: path, stderr: (line) => lines.push(line), handleSignals: false })
    return { code, lines }
  }

  it('exits 2 with one line naming the key', async () => {
    const { code, lines } = await run('port.json', JSON.stringify({ policy, listen: { port: -1 } }))
    expect(code).toBe(SERVE_EXIT.config)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/bad config .*port\.json: "listen\.port": /)
  })

  it('exits 2 when the file is missing or not JSON', async () => {
    expect((await run('missing.json', null)).code).toBe(2)
    const notJson = await run('broken.json', '{ "policy": ')
    expect(notJson.code).toBe(2)
    expect(notJson.lines).toHaveLength(1)
    expect(notJson.lines[0]).toContain('not JSON')
  })

  it('refuses to start on a failed compliance rule, naming the rule', async () => {
    const { code, lines } = await run(
      'pci.json',
      JSON.stringify({ policy: { idleTimeout: '30m', absoluteTimeout: '12h' }, compliance: ['pci-dss-4'] }),
    )
    expect(code).toBe(2)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/"compliance": rule failed: .*pci-dss-4/)
  })

  it('refuses an unknown compliance rule', async () => {
    const { code, lines } = await run('rule.json', JSON.stringify({ policy, compliance: ['iso-27001'] }))
    expect(code).toBe(2)
    expect(lines[0]).toContain('"compliance"')
  })
})
