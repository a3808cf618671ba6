// HTTP overhead: each variant server in its own child process, autocannon in this one, loopback,
// rounds alternated A B C D E A B C D E …; medians of requests/s and p99.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { deletePrefix, uniquePrefix } from '../lib/redis.js'
import { alternate, fmt, median } from '../lib/stats.js'

export const VARIANTS = ['bare', 'curfew-memory', 'curfew-redis', 'es-memory', 'es-redis']
const LABELS = {
  bare: 'bare Express 5',
  'curfew-memory': 'Express + Curfew (MemoryStore)',
  'curfew-redis': 'Express + Curfew (RedisStore)',
  'es-memory': 'express-session MemoryStore, rolling',
  'es-redis': 'express-session + connect-redis, rolling',
  'fastify-bare': 'bare Fastify 5',
  'fastify-curfew': 'Fastify + Curfew plugin (MemoryStore)',
  'hono-bare': 'bare Hono on @hono/node-server',
  'hono-curfew': 'Hono + Curfew fetch adapter (MemoryStore)',
}

export async function startVariant(variant, env) {
  const execArgv = process.env.BENCH_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, `--cpu-prof-name=${variant}.cpuprofile`]
    : []
  const child = fork(fileURLToPath(new URL('./server.js', import.meta.url)), [variant], {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const { port } = await new Promise((resolve, reject) => {
    child.once('message', resolve)
    child.once('exit', (code) => reject(new Error(`${variant} server exited (${code})`)))
  })
  const url = `http://127.0.0.1:${port}`
  const login = await fetch(`${url}/login`)
  if (!login.ok) throw new Error(`${variant}: login answered ${login.status}`)
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const check = await fetch(`${url}/api/me`, { headers: { cookie } })
  if (!check.ok) throw new Error(`${variant}: /api/me answered ${check.status}`)
  const cpu = () =>
    new Promise((resolve) => {
      child.once('message', (m) => resolve(m))
      child.send('cpu')
    })
  const stop = () =>
    new Promise((resolve) => {
      child.once('exit', resolve)
      child.send('stop')
    })
  return { url, cookie, stop, cpu }
}

export function load(options) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${options.url}/api/me`,
        headers: options.cookie ? { cookie: options.cookie } : {},
        connections: 32,
        pipelining: 1,
        duration: options.seconds,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    )
  })
}

export async function runHttp(context) {
  const prefixes = { 'curfew-redis': uniquePrefix('http-curfew'), 'es-redis': uniquePrefix('http-es') }
  try {
    const summary = await measure(VARIANTS, context, prefixes)
    return { summary, rows: httpRows(summary) }
  } finally {
    for (const prefix of Object.values(prefixes)) await deletePrefix(context.client, prefix)
  }
}

/** Fastify 5 and Hono (fetch adapter on @hono/node-server), each against its bare framework. */
export async function runFrameworks(context) {
  const rows = []
  const summaries = {}
  for (const [framework, bare, curfew] of [
    ['Fastify', 'fastify-bare', 'fastify-curfew'],
    ['Hono', 'hono-bare', 'hono-curfew'],
  ]) {
    const s = await measure([bare, curfew], context, {})
    summaries[framework] = s
    rows.push(...[bare, curfew].map((v) => variantRow(s, v, bare)))
    rows.push(
      target(`Curfew/Memory vs bare ${framework}`, s[curfew].rps / s[bare].rps, 0.85, added(s, curfew, bare)),
    )
  }
  return { summary: summaries, rows }
}

/** Starts each variant's server, then alternated autocannon rounds; medians per variant. */
async function measure(variants, { quick, redis }, prefixes) {
  const servers = {}
  try {
    for (const variant of variants) {
      servers[variant] = await startVariant(variant, {
        REDIS_URL: redis.url,
        BENCH_PREFIX: prefixes[variant] ?? '',
      })
    }
    // Every variant gets the same request, cookie included: a bare server receives (and ignores) a
    // session cookie of the same size.
    const withCookie = variants.find((v) => servers[v].cookie)
    for (const variant of variants) {
      if (!servers[variant].cookie) servers[variant].cookie = servers[withCookie].cookie
    }
    const seconds = quick ? 1.5 : 4
    // Warm-up: JIT, connection pools, Redis scripts.
    for (const variant of variants) await load({ ...servers[variant], seconds: quick ? 0.5 : 1 })
    const results = await alternate({
      rounds: quick ? 3 : 6,
      variants,
      run: async (variant) => {
        const cpu0 = await servers[variant].cpu()
        const result = await load({ ...servers[variant], seconds })
        const cpu1 = await servers[variant].cpu()
        const cpu = cpu1.cpu - cpu0.cpu
        const user = cpu1.user - cpu0.user
        if (result.non2xx > 0 || result.errors > 0) {
          throw new Error(`${variant}: ${result.non2xx} non-2xx answers, ${result.errors} errors`)
        }
        const total = result.requests.total
        return { rps: result.requests.average, p99: result.latency.p99, cpu: cpu / total, user: user / total }
      },
    })
    return Object.fromEntries(
      variants.map((v) => [
        v,
        {
          rps: median(results[v].map((r) => r.rps)),
          p99: median(results[v].map((r) => r.p99)),
          cpu: median(results[v].map((r) => r.cpu)),
          user: median(results[v].map((r) => r.user)),
          runs: results[v],
        },
      ]),
    )
  } finally {
    for (const server of Object.values(servers)) await server.stop()
  }
}

function variantRow(s, v, bare) {
  return {
    section: 'HTTP',
    name: LABELS[v],
    value: `${fmt.int(s[v].rps)} req/s, p99 ${s[v].p99} ms, server CPU ${fmt.us(s[v].cpu)}/req (user ${fmt.us(s[v].user)})`,
    ratio: `${fmt.x(s[v].rps / s[bare].rps)} bare (CPU/req ${fmt.x(s[bare].cpu / s[v].cpu)}, user ${fmt.x(s[bare].user / s[v].user)})`,
  }
}

/** What the Curfew variant adds per request over its anchor, in server CPU (all, and user space). */
function added(s, v, anchor) {
  return `+${fmt.us(s[v].cpu - s[anchor].cpu)} CPU/req (user +${fmt.us(s[v].user - s[anchor].user)})`
}

function target(name, ratio, goal, value = '') {
  return {
    section: 'HTTP target',
    name,
    value,
    ratio: fmt.x(ratio),
    target: `≥ ${goal}×`,
    met: ratio >= goal,
  }
}

function httpRows(s) {
  const bare = s.bare.rps
  const rows = VARIANTS.map((v) => variantRow(s, v, 'bare'))
  rows.push(
    target(
      'Curfew/Memory vs bare Express',
      s['curfew-memory'].rps / bare,
      0.85,
      added(s, 'curfew-memory', 'bare'),
    ),
    target('Curfew/Memory vs express-session/Memory', s['curfew-memory'].rps / s['es-memory'].rps, 1.5),
    target('Curfew/Redis vs express-session + connect-redis', s['curfew-redis'].rps / s['es-redis'].rps, 1.3),
  )
  return rows
}
