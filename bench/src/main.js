// `pnpm bench [--quick] [--only=http,frameworks,gateway,store,cluster,tokens,scale,bundle,network,events,audit,oidc,live]`: every bench against
// its anchor, measured in this run, printed as one table. See ../RESULTS.md for the latest full run.
import { cpus, loadavg } from 'node:os'
import { quick, wanted } from './lib/args.js'
import { connect, redisVersion, startRedis } from './lib/redis.js'
import { renderTable } from './lib/table.js'

const started = performance.now()
const startedAt = new Date().toISOString()
const loadAtStart = loadavg()
const rows = []
const redis = await startRedis()
const client = await connect(redis.url)
const machine = {
  nproc: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  redis: await redisVersion(client),
  mode: quick ? 'quick' : 'full',
}
const context = { quick, redis, client }
// Ctrl-C: exit at once; the private redis-server is stopped on exit and the HTTP servers and scale
// children end with their parent.
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130))

async function section(name, load) {
  if (!wanted(name)) return
  const t0 = performance.now()
  process.stderr.write(`bench: ${name}…`)
  const run = await load()
  const result = await run(context)
  rows.push(...result.rows)
  process.stderr.write(` ${((performance.now() - t0) / 1000).toFixed(0)} s\n`)
}

try {
  await section('http', async () => (await import('./http/run.js')).runHttp)
  await section('frameworks', async () => (await import('./http/run.js')).runFrameworks)
  await section('gateway', async () => (await import('./gateway/run.js')).runGateway)
  await section('store', async () => (await import('./store.js')).runStore)
  await section('cluster', async () => (await import('./cluster.js')).runCluster)
  await section('tokens', async () => (await import('./tokens.js')).runTokens)
  await section('scale', async () => (await import('./scale/run.js')).runScale)
  await section('bundle', async () => (await import('./browser/bundle.js')).runBundle)
  await section('network', async () => (await import('./browser/network.js')).runNetwork)
  await section('events', async () => (await import('./browser/events.js')).runEvents)
  await section('audit', async () => (await import('./audit/run.js')).runAudit)
  await section('oidc', async () => (await import('./oidc/run.js')).runOidc)
  await section('live', async () => (await import('./live/run.js')).runLive)
} finally {
  await client.quit()
  await redis.stop()
}

const seconds = (performance.now() - started) / 1000
const load = (l) => l.map((x) => x.toFixed(2)).join(' ')
console.log(
  `\nCurfew bench (${machine.mode}), ${startedAt} — ${machine.nproc} × ${machine.cpu}, Node ${machine.node}, ` +
    `Redis ${machine.redis}; load average (1/5/15 min) at start ${load(loadAtStart)}, at end ${load(loadavg())}\n`,
)
console.log(renderTable(rows))
console.log(`\n${seconds.toFixed(0)} s in all`)
