// RedisStore on a 3-master Redis Cluster against one Redis node: checks/s of the same check (passive,
// over 256 sessions of 256 subjects, so they spread over every master) through the same client library
// (node-redis createCluster vs createClient, ioredis Cluster vs Redis), measured alternately in this
// run. The cluster is this section's own (scripts/redis-cluster.sh on ports 7151–7156), removed at the
// end; the one node is the bench's private redis-server. On a 2-core machine the three masters share
// the cores with the benchmark itself, so this shows the cluster's overhead here, not its capacity.
import { execFile } from 'node:child_process'
import { once } from 'node:events'
import { rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { createSessionManager, RedisStore } from '@curfew/server'
import { Cluster } from 'ioredis'
import { createCluster } from 'redis'
import { deletePrefix, uniquePrefix } from './lib/redis.js'
import { alternate, fmt, median, throughput } from './lib/stats.js'
import { ioredis } from './store.js'

const BASE = Number(process.env.BENCH_CLUSTER_BASE ?? 7151)
const script = resolve(import.meta.dirname, '../../scripts/redis-cluster.sh')
const run = promisify(execFile)
const policy = { idleTimeout: '15m', absoluteTimeout: '12h', touchInterval: '5m' }
const SESSIONS = 256
const CONCURRENCY = 64

async function checker(client, prefix) {
  const manager = createSessionManager({ policy, store: new RedisStore({ client, prefix }) })
  const tokens = []
  for (let i = 0; i < SESSIONS; i++) tokens.push((await manager.create({ subject: `spread-${i}` })).token)
  for (const token of tokens) {
    const result = await manager.validate(token)
    if (!result.ok) throw new Error(`validate failed: ${result.reason}`)
  }
  let next = 0
  return { check: () => manager.validate(tokens[next++ % SESSIONS]), close: () => manager.close() }
}

export async function runCluster({ quick, client, redis: server }) {
  const loadAtStart = loadavg()
  const { stdout } = await run(script, ['start', String(BASE)], { timeout: 120_000 })
  const seed = stdout.trim()
  const prefix = uniquePrefix('cluster')
  const nodeCluster = createCluster({
    rootNodes: [{ url: seed }],
    defaults: { disableOfflineQueue: true, socket: { connectTimeout: 1000 } },
    useReplicas: false,
  })
  nodeCluster.on('error', (error) => console.warn('redis cluster', error.message))
  await nodeCluster.connect()
  const { hostname, port } = new URL(seed)
  const ioCluster = new Cluster([{ host: hostname, port: Number(port) }], {
    enableOfflineQueue: false,
    scaleReads: 'master',
    redisOptions: { maxRetriesPerRequest: 1, commandTimeout: 5000, connectTimeout: 1000 },
  })
  ioCluster.on('error', (error) => console.warn('ioredis cluster', error.message))
  if (ioCluster.status !== 'ready') await once(ioCluster, 'ready')
  const io = await ioredis(server.url)
  const checkers = {}
  try {
    checkers.node = await checker(client, prefix)
    checkers.nodeCluster = await checker(nodeCluster, prefix)
    checkers.io = await checker(io, `${prefix}io:`)
    checkers.ioCluster = await checker(ioCluster, `${prefix}io:`)
    const ops = Object.fromEntries(Object.entries(checkers).map(([name, c]) => [name, c.check]))
    for (const op of Object.values(ops)) await throughput({ op, concurrency: CONCURRENCY, ms: 300 })
    const results = await alternate({
      rounds: quick ? 3 : 10,
      variants: Object.keys(ops),
      run: (name) => throughput({ op: ops[name], concurrency: CONCURRENCY, ms: quick ? 400 : 500 }),
    })
    const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)]))
    const rows = []
    const c = `${SESSIONS} sessions, concurrency ${CONCURRENCY}`
    for (const [library, single, cluster, singleClient, clusterClient] of [
      ['node-redis', m.node, m.nodeCluster, 'createClient', 'createCluster'],
      ['ioredis', m.io, m.ioCluster, 'Redis', 'Cluster'],
    ]) {
      rows.push(
        {
          section: 'Cluster',
          name: `RedisStore passive checks, 1 node (${library} ${singleClient}), ${c}`,
          value: `${fmt.int(single)} checks/s`,
          ratio: '1.00× 1 node',
        },
        {
          section: 'Cluster',
          name: `RedisStore passive checks, 3 masters (${library} ${clusterClient}), ${c}`,
          value: `${fmt.int(cluster)} checks/s`,
          ratio: `${fmt.x(cluster / single)} 1 node`,
        },
      )
    }
    const load = (l) => l.map((x) => x.toFixed(2)).join(' ')
    rows.push({
      section: 'Cluster',
      name: 'load average (1/5/15 min) during this section',
      value: `start ${load(loadAtStart)}, end ${load(loadavg())}`,
    })
    return { summary: m, rows }
  } finally {
    for (const c of Object.values(checkers)) await c.close()
    await deletePrefix(client, prefix)
    io.disconnect()
    ioCluster.disconnect()
    nodeCluster.destroy()
    await run(script, ['stop', String(BASE)], { timeout: 60_000 })
    await rm(join(process.env.TMPDIR ?? tmpdir(), `curfew-redis-cluster-${BASE}.lock`), { force: true })
  }
}
