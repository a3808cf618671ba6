import {
  AggregationTemporality,
  DataPointType,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningGateway, startGateway } from '../index'

const policy = { idleTimeout: '10m', absoluteTimeout: '1h' }
const forged = `curfew_session=${'A'.repeat(43)}`

/** Signs in through the dev form, checks with /auth (forged, valid), signs out, checks again. */
async function traffic(gateway: RunningGateway): Promise<void> {
  const signIn = await fetch(`${gateway.url}/curfew/signin`, {
    method: 'POST',
    body: new URLSearchParams({ subject: 'metrics-user' }),
    headers: { accept: 'application/json', origin: gateway.url },
  })
  expect(signIn.status).toBe(200)
  const cookie = signIn.headers.getSetCookie()[0]!.split(';')[0]!
  const host = new URL(gateway.url).host
  const auth = (value: string) =>
    fetch(`${gateway.url}/auth`, {
      headers: { cookie: value, 'x-original-uri': '/x', 'x-forwarded-host': host },
    })
  expect((await auth(forged)).status).toBe(401)
  expect((await auth(cookie)).status).toBe(200)
  expect((await auth(cookie)).status).toBe(200)
  const out = await fetch(`${gateway.url}/curfew/signout`, {
    method: 'POST',
    headers: { cookie, accept: 'application/json', origin: gateway.url },
  })
  expect(out.status).toBe(200)
  expect((await auth(cookie)).status).toBe(401)
}

describe('OpenTelemetry metrics of the gateway, read from an in-memory SDK reader', () => {
  // The server's metrics test pipeline: MeterProvider → PeriodicExportingMetricReader → in-memory
  // exporter, flushed only when the test reads.
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })
  const provider = new MeterProvider({ readers: [reader] })
  let gateway: RunningGateway

  async function metric(name: string) {
    await reader.forceFlush()
    const latest = exporter.getMetrics().at(-1)
    return latest?.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name)
  }
  async function count(name: string, attrs: Record<string, string> = {}): Promise<number> {
    const found = await metric(name)
    if (!found || found.dataPointType !== DataPointType.SUM) return 0
    return found.dataPoints
      .filter((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v))
      .reduce((sum, p) => sum + (p.value as number), 0)
  }

  beforeAll(async () => {
    gateway = await startGateway({
      config: { listen: { port: 0 }, policy, devSignIn: true, audit: false },
      metrics: { meter: provider.getMeter('curfew') },
    })
  })
  afterAll(async () => {
    await gateway?.close()
    await provider.shutdown()
  })

  it('counts sign-ins, refusals and sign-outs made over HTTP, and times every check', async () => {
    await traffic(gateway)
    expect(await count('curfew.sessions.created', { policy: 'default' })).toBe(1)
    expect(await count('curfew.sessions.rejected', { reason: 'unknown' })).toBe(1)
    expect(await count('curfew.sessions.revoked', { reason: 'logout' })).toBe(1)
    expect(await count('curfew.sessions.rejected', { reason: 'logout' })).toBe(1)
    const checks = await metric('curfew.check.duration')
    expect(checks?.dataPointType).toBe(DataPointType.HISTOGRAM)
    expect(checks?.descriptor.unit).toBe('ms')
    const active = checks?.dataPoints.filter((p) => p.attributes.outcome === 'active') ?? []
    expect(active.reduce((n, p) => n + (p.value as Histogram).count, 0)).toBeGreaterThanOrEqual(2)
  })
})

/** `name{labels} value` lines of a Prometheus text exposition. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line)
    if (!match || match[1] !== name) continue
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]),
    )
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3])
  }
  return undefined
}

describe('the "metrics": { "prometheus" } config key', () => {
  let gateway: RunningGateway
  let down: RunningGateway

  beforeAll(async () => {
    gateway = await startGateway({
      config: {
        listen: { port: 0 },
        policy,
        devSignIn: true,
        audit: false,
        metrics: { prometheus: { port: 0 } },
      },
    })
    // Nothing listens on port 1: every store call fails.
    down = await startGateway({
      config: {
        listen: { port: 0 },
        policy,
        audit: false,
        store: { redis: 'redis://127.0.0.1:1' },
        metrics: { prometheus: { port: 0, path: '/m' } },
      },
    })
  })
  afterAll(async () => {
    await gateway?.close()
    await down?.close()
  })

  it('serves the same metrics for a Prometheus scrape on their own port, and nothing else there', async () => {
    expect(gateway.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
    expect(new URL(gateway.metricsUrl!).port).not.toBe(String(gateway.port))
    await traffic(gateway)
    const scrape = await fetch(gateway.metricsUrl!)
    expect(scrape.status).toBe(200)
    expect(scrape.headers.get('content-type')).toContain('text/plain')
    const text = await scrape.text()
    expect(sample(text, 'curfew_sessions_created_total', { policy: 'default' })).toBe(1)
    expect(sample(text, 'curfew_sessions_rejected_total', { reason: 'unknown' })).toBe(1)
    expect(sample(text, 'curfew_sessions_revoked_total', { reason: 'logout' })).toBe(1)
    expect(text).toMatch(/^# TYPE curfew_check_duration\S* histogram$/m)
    const origin = new URL(gateway.metricsUrl!).origin
    expect((await fetch(`${origin}/auth`)).status).toBe(404)
    // The gateway's own listener has no /metrics (in reverse-proxy mode that path belongs to the app).
    expect((await fetch(`${gateway.url}/metrics`)).status).not.toBe(200)
  })

  it('counts store errors while the store is down', async () => {
    expect(down.metricsUrl).toMatch(/\/m$/)
    const response = await fetch(`${down.url}/auth`, {
      headers: { cookie: forged, 'x-original-uri': '/x' },
    })
    expect(response.status).toBe(503)
    const text = await (await fetch(down.metricsUrl!)).text()
    const errors = text
      .split('\n')
      .filter((line) => line.startsWith('curfew_store_errors_total'))
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0)
    expect(errors).toBeGreaterThanOrEqual(1)
  })
})
