import { execFile } from 'node:child_process'
import { once } from 'node:events'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { Cluster as IoCluster5, Redis as IoRedis5 } from 'ioredis'
import { Cluster as IoCluster6, Redis as IoRedis6 } from 'ioredis6'
import { createClient as createClient5, createCluster as createCluster5 } from 'redis'
import { createClient as createClient6, createCluster as createCluster6 } from 'redis6'
import type { RedisClientLike } from '../client'
import { REDIS_URL } from './helpers'

/**
 * Every client major the store supports — node-redis 5 and 6, ioredis 5 and 6 — on one Redis node or
 * on a Redis Cluster, configured as the README recommends (fail fast while disconnected, bounded
 * connect and command time, reconnect with a capped back-off).
 */
export interface AnyConnection {
  name: string
  client: RedisClientLike
  close(): Promise<void>
}

export type Connector = (url: string) => Promise<AnyConnection>

// Generous timeouts: these tests check behaviour, and this machine may be busy (the failover test
// sets its own bound through storeTimeout).
const socket = {
  connectTimeout: 5000,
  reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 500),
}
const ioOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 5000,
  connectTimeout: 5000,
  retryStrategy: (times: number) => Math.min(50 * 2 ** times, 500),
}

function nodeRedisSingle(name: string, create: typeof createClient5 | typeof createClient6): Connector {
  return async (url) => {
    const client = (create as typeof createClient5)({ url, disableOfflineQueue: true, socket })
    client.on('error', () => {})
    await client.connect()
    return { name, client: client as unknown as RedisClientLike, close: async () => client.destroy() }
  }
}

function nodeRedisCluster(name: string, create: typeof createCluster5 | typeof createCluster6): Connector {
  return async (url) => {
    const cluster = (create as typeof createCluster5)({
      rootNodes: [{ url }],
      defaults: { disableOfflineQueue: true, socket },
      // Writes and reads of a session go to its master (never a lagging replica).
      useReplicas: false,
    })
    cluster.on('error', () => {})
    await cluster.connect()
    return { name, client: cluster as unknown as RedisClientLike, close: async () => cluster.destroy() }
  }
}

function ioredisSingle(name: string, Redis: typeof IoRedis5 | typeof IoRedis6): Connector {
  return async (url) => {
    const client = new (Redis as typeof IoRedis5)(url, { lazyConnect: true, ...ioOptions })
    client.on('error', () => {})
    await client.connect()
    return { name, client: client as unknown as RedisClientLike, close: async () => client.disconnect() }
  }
}

function ioredisCluster(name: string, Cluster: typeof IoCluster5 | typeof IoCluster6): Connector {
  return async (url) => {
    const { hostname, port } = new URL(url)
    const cluster = new (Cluster as typeof IoCluster5)([{ host: hostname, port: Number(port) }], {
      lazyConnect: true,
      enableOfflineQueue: false,
      scaleReads: 'master',
      clusterRetryStrategy: (times: number) => Math.min(50 * 2 ** times, 500),
      redisOptions: ioOptions,
    })
    cluster.on('error', () => {})
    await cluster.connect()
    if (cluster.status !== 'ready') await once(cluster, 'ready')
    return { name, client: cluster as unknown as RedisClientLike, close: async () => cluster.disconnect() }
  }
}

export const singleNodeClients: Array<[name: string, connect: Connector]> = [
  ['node-redis 5', nodeRedisSingle('node-redis 5', createClient5)],
  ['node-redis 6', nodeRedisSingle('node-redis 6', createClient6)],
  ['ioredis 5', ioredisSingle('ioredis 5', IoRedis5)],
  ['ioredis 6', ioredisSingle('ioredis 6', IoRedis6)],
]

export const clusterClients: Array<[name: string, connect: Connector]> = [
  ['node-redis 5 cluster', nodeRedisCluster('node-redis 5 cluster', createCluster5)],
  ['node-redis 6 cluster', nodeRedisCluster('node-redis 6 cluster', createCluster6)],
  ['ioredis 5 Cluster', ioredisCluster('ioredis 5 Cluster', IoCluster5)],
  ['ioredis 6 Cluster', ioredisCluster('ioredis 6 Cluster', IoCluster6)],
]

const script = resolve(import.meta.dirname, '../../../../../../scripts/redis-cluster.sh')

/**
 * Starts (or finds running) the local 3-master + 3-replica cluster on ports `base`..`base + 5` with
 * `scripts/redis-cluster.sh`, and returns its seed URL. Idempotent and safe across test files.
 */
export async function redisCluster(base = CLUSTER_BASE): Promise<{ url: string; ports: number[] }> {
  const { stdout } = await promisify(execFile)(script, ['start', String(base)], { timeout: 120_000 })
  return { url: stdout.trim(), ports: Array.from({ length: 6 }, (_, i) => base + i) }
}

/** Stops the cluster on `base` (the failover test's own). */
export async function stopRedisCluster(base: number): Promise<void> {
  await promisify(execFile)(script, ['stop', String(base)], { timeout: 60_000 })
}

/** The shared test cluster's first port (`pnpm redis:cluster` starts the same one). */
export const CLUSTER_BASE = Number(process.env.CURFEW_CLUSTER_BASE ?? 7101)

export { REDIS_URL }
