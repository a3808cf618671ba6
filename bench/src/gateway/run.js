// The gateway: requests/s and latency through nginx with Curfew forward auth (auth_request → the
// gateway, memory store) against nginx straight to the same plain upstream, and the gateway's
// reverse-proxy mode against nginx proxy_pass. Rounds alternate; medians; one run, one machine.
// Also nginx auth_request to a bare Node server answering 200 (the floor any Node auth service pays on
// this machine), and the user CPU each auth service spends per request. With
// CURFEW_BENCH_BASELINE=/path/to/gateway/dist/index.js, that build runs too, as an A/B in the same run.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { alternate, fmt, median } from '../lib/stats.js'
import { nginxBinary, startNginx } from './nginx.js'

const BASELINE = process.env.CURFEW_BENCH_BASELINE
const VARIANTS = [
  'nginx-direct',
  'nginx-auth-floor',
  'nginx-forward-auth',
  ...(BASELINE ? ['nginx-forward-auth-baseline'] : []),
  'gateway-proxy',
]
const LABELS = {
  'nginx-direct': 'nginx proxy_pass → app (no auth)',
  'nginx-auth-floor': 'nginx auth_request → bare Node server (200, no session check), → app',
  'nginx-forward-auth': 'nginx auth_request → Curfew gateway (memory), → app',
  'nginx-forward-auth-baseline': `the same with the baseline gateway build (${BASELINE})`,
  'gateway-proxy': 'Curfew gateway reverse proxy (memory) → app',
}

async function child(role, upstream, env) {
  const process_ = fork(fileURLToPath(new URL('./children.js', import.meta.url)), [role, upstream ?? ''], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    ...(env ? { env: { ...process.env, ...env } } : {}),
  })
  const { port } = await new Promise((resolve, reject) => {
    process_.once('message', resolve)
    process_.once('exit', (code) => reject(new Error(`${role} exited (${code})`)))
  })
  return {
    url: `http://127.0.0.1:${port}`,
    cpu: () =>
      new Promise((resolve) => {
        process_.once('message', resolve)
        process_.send('cpu')
      }),
    stop: () =>
      new Promise((resolve) => {
        process_.once('exit', resolve)
        process_.send('stop')
      }),
  }
}

async function signIn(origin) {
  const response = await fetch(`${origin}/curfew/signin`, {
    method: 'POST',
    body: new URLSearchParams({ subject: 'bench' }),
    headers: { accept: 'application/json', origin },
  })
  if (!response.ok) throw new Error(`sign-in through ${origin} answered ${response.status}`)
  return response.headers.getSetCookie()[0].split(';')[0]
}

function load({ url, cookie, seconds }) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: `${url}/api/data`, headers: { cookie }, connections: 32, pipelining: 1, duration: seconds },
      (error, result) => (error ? reject(error) : resolve(result)),
    )
  })
}

export async function runGateway({ quick }) {
  if (!nginxBinary()) {
    return { rows: [{ section: 'Gateway', name: 'skipped', value: 'nginx is not installed', ratio: '' }] }
  }
  const stops = []
  try {
    const app = await child('upstream')
    stops.push(app.stop)
    const authGateway = await child('gateway')
    stops.push(authGateway.stop)
    const proxyGateway = await child('gateway', app.url)
    stops.push(proxyGateway.stop)
    const floor = await child('auth-floor')
    stops.push(floor.stop)
    const nginx = await startNginx({
      gateway: authGateway.url,
      sites: [
        { upstream: app.url, curfew: false },
        { upstream: app.url, curfew: true },
      ],
    })
    stops.push(nginx.stop)
    const floorNginx = await startNginx({ gateway: floor.url, sites: [{ upstream: app.url, curfew: true }] })
    stops.push(floorNginx.stop)
    const [direct, guarded] = nginx.origins
    const cookie = await signIn(guarded)
    const proxyCookie = await signIn(proxyGateway.url)
    // Every variant carries the same cookie header size.
    const targets = {
      'nginx-direct': { url: direct, cookie },
      'nginx-auth-floor': { url: floorNginx.origins[0], cookie, service: floor },
      'nginx-forward-auth': { url: guarded, cookie, service: authGateway },
      'gateway-proxy': { url: proxyGateway.url, cookie: proxyCookie, service: proxyGateway },
    }
    if (BASELINE) {
      const baseline = await child('gateway', '', { CURFEW_BENCH_GATEWAY: BASELINE })
      stops.push(baseline.stop)
      const baselineNginx = await startNginx({
        gateway: baseline.url,
        sites: [{ upstream: app.url, curfew: true }],
      })
      stops.push(baselineNginx.stop)
      const url = baselineNginx.origins[0]
      targets['nginx-forward-auth-baseline'] = { url, cookie: await signIn(url), service: baseline }
    }
    const seconds = quick ? 1.5 : 4
    for (const variant of VARIANTS) await load({ ...targets[variant], seconds: quick ? 0.5 : 1 })
    const results = await alternate({
      rounds: quick ? 3 : 5,
      variants: VARIANTS,
      run: async (variant) => {
        const { service } = targets[variant]
        const cpu0 = await service?.cpu()
        const result = await load({ ...targets[variant], seconds })
        const cpu1 = await service?.cpu()
        if (result.non2xx > 0 || result.errors > 0) {
          throw new Error(`${variant}: ${result.non2xx} non-2xx answers, ${result.errors} errors`)
        }
        // User-space CPU of the auth service (or the proxying gateway) per request through the proxy.
        const user = cpu0 && cpu1 ? (cpu1.cpu.user - cpu0.cpu.user) / result.requests.total : undefined
        const connections = cpu0 && cpu1 ? cpu1.connections - cpu0.connections : undefined
        return {
          rps: result.requests.average,
          p50: result.latency.p50,
          p99: result.latency.p99,
          user,
          connections,
        }
      },
    })
    const s = Object.fromEntries(
      VARIANTS.map((v) => [
        v,
        {
          rps: median(results[v].map((r) => r.rps)),
          p50: median(results[v].map((r) => r.p50)),
          p99: median(results[v].map((r) => r.p99)),
          user: results[v][0].user === undefined ? undefined : median(results[v].map((r) => r.user)),
          connections: results[v].reduce((sum, r) => sum + (r.connections ?? 0), 0),
        },
      ]),
    )
    const row = (variant, anchor) => {
      const cost = 1 - s[variant].rps / s[anchor].rps
      return {
        section: 'Gateway',
        name: LABELS[variant],
        value:
          `${fmt.int(s[variant].rps)} req/s, p50 ${s[variant].p50} ms, p99 ${s[variant].p99} ms` +
          (s[variant].user === undefined
            ? ''
            : `, service user CPU ${fmt.us(s[variant].user)}/req, ${s[variant].connections} new connections to it`) +
          (anchor === variant
            ? ''
            : `; added p50 ${(s[variant].p50 - s[anchor].p50).toFixed(1)} ms, p99 ${(s[variant].p99 - s[anchor].p99).toFixed(1)} ms`),
        ratio:
          anchor === variant ? 'anchor' : `${(cost * 100).toFixed(1)} % fewer req/s than ${LABELS[anchor]}`,
      }
    }
    return {
      summary: s,
      rows: [
        row('nginx-direct', 'nginx-direct'),
        row('nginx-auth-floor', 'nginx-direct'),
        {
          ...row('nginx-forward-auth', 'nginx-direct'),
          target: 'forward auth costs ≤ 15 % of throughput',
          met: 1 - s['nginx-forward-auth'].rps / s['nginx-direct'].rps <= 0.15,
        },
        ...(BASELINE ? [row('nginx-forward-auth-baseline', 'nginx-direct')] : []),
        row('gateway-proxy', 'nginx-direct'),
      ],
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {})
  }
}
