import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { MemoryStore, RedisStore, type SessionStore } from '@curfew/server'
import { Cluster, Redis } from 'ioredis'
import { createCluster } from 'redis'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A store the suites run on, made on the suite's clock, with its own clean-up. */
export interface StoreKind {
  name: 'memory' | 'redis' | 'redis-cluster (node-redis)' | 'redis-cluster (ioredis)'
  create(now: () => number): Promise<{ store: SessionStore; dispose(): Promise<void> }>
}

/** Fails loudly (never skips) when the shared Redis is not there. */
export async function connectRedis(url = REDIS_URL): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 })
  try {
    await client.connect()
  } catch (error) {
    client.disconnect()
    throw new Error(`Redis is not answering at ${url}: start redis-server or set REDIS_URL.`, {
      cause: error,
    })
  }
  return client
}

/** Deletes every key under `prefix` (SCAN + DEL). */
export async function deletePrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
    cursor = next
    if (keys.length > 0) await client.del(...keys)
  } while (cursor !== '0')
}

export const memoryKind: StoreKind = {
  name: 'memory',
  async create(now) {
    const store = new MemoryStore({ now })
    return { store, dispose: async () => store.close?.() }
  },
}

/** RedisStore on the shared Redis under a fresh key prefix, on the test clock (deleted afterwards). */
export const redisKind: StoreKind = {
  name: 'redis',
  async create(now) {
    const client = await connectRedis()
    const prefix = `curfew-reliability:${randomUUID()}:`
    const store = new RedisStore({ client, prefix, now })
    return {
      store,
      async dispose() {
        await deletePrefix(client, prefix)
        client.disconnect()
      },
    }
  },
}

export const storeKinds: StoreKind[] = [memoryKind, redisKind]

const clusterScript = resolve(import.meta.dirname, '../../../../scripts/redis-cluster.sh')
const run = promisify(execFile)

/**
 * This suite's own 3-master + 3-replica Redis Cluster (`scripts/redis-cluster.sh`) on ports
 * BASE..BASE+5, distinct from the shared one on 7101 and from the server tests' failover cluster.
 * Started on first use (idempotent), removed by `stopReliabilityCluster()` in the file's `afterAll`.
 */
export const RELIABILITY_CLUSTER_BASE = Number(process.env.CURFEW_RELIABILITY_CLUSTER_BASE ?? 7141)

/** Starts the cluster unless it is up, and resolves its seed URL. */
async function reliabilityCluster(): Promise<{ url: string }> {
  const { stdout } = await run(clusterScript, ['start', String(RELIABILITY_CLUSTER_BASE)], {
    timeout: 120_000,
  })
  return { url: stdout.trim() }
}

export async function stopReliabilityCluster(): Promise<void> {
  const base = String(RELIABILITY_CLUSTER_BASE)
  await run(clusterScript, ['stop', base], { timeout: 60_000 })
  await rm(join(process.env.TMPDIR ?? tmpdir(), `curfew-redis-cluster-${base}.lock`), { force: true })
}

/** Deletes every key under `prefix` on each master of an ioredis Cluster (SCAN there, routed DEL). */
async function deleteClusterPrefix(cluster: Cluster, prefix: string): Promise<void> {
  for (const node of cluster.nodes('master')) {
    let cursor = '0'
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
      cursor = next
      for (const key of keys) await cluster.del(key)
    } while (cursor !== '0')
  }
}

/** RedisStore on this suite's Redis Cluster through a node-redis `createCluster()` client. */
export const redisClusterNodeRedisKind: StoreKind = {
  name: 'redis-cluster (node-redis)',
  async create(now) {
    const { url } = await reliabilityCluster()
    const client = createCluster({
      rootNodes: [{ url }],
      defaults: { disableOfflineQueue: true, socket: { connectTimeout: 2000 } },
      useReplicas: false,
    })
    client.on('error', () => {})
    await client.connect()
    const prefix = `curfew-reliability:${randomUUID()}:`
    const store = new RedisStore({ client, prefix, now })
    return {
      store,
      async dispose() {
        const admin = await connectIoCluster(url)
        await deleteClusterPrefix(admin, prefix)
        admin.disconnect()
        client.destroy()
      },
    }
  },
}

async function connectIoCluster(url: string): Promise<Cluster> {
  const { hostname, port } = new URL(url)
  const cluster = new Cluster([{ host: hostname, port: Number(port) }], {
    lazyConnect: true,
    enableOfflineQueue: false,
    scaleReads: 'master',
    redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 2000 },
  })
  cluster.on('error', () => {})
  await cluster.connect()
  if (cluster.status !== 'ready') await once(cluster, 'ready')
  return cluster
}

/** RedisStore on this suite's Redis Cluster through an ioredis `Cluster`. */
export const redisClusterIoRedisKind: StoreKind = {
  name: 'redis-cluster (ioredis)',
  async create(now) {
    const { url } = await reliabilityCluster()
    const client = await connectIoCluster(url)
    const prefix = `curfew-reliability:${randomUUID()}:`
    const store = new RedisStore({ client, prefix, now })
    return {
      store,
      async dispose() {
        await deleteClusterPrefix(client, prefix)
        client.disconnect()
      },
    }
  },
}
