import { MemoryStore, RedisStore, type SessionStore } from '@curfew/server'
import { Cluster, Redis } from 'ioredis'
import type { GatewayConfig } from '../config/schema'

/** The configured store, with what the gateway needs around it: readiness and shutdown. */
export interface GatewayStore {
  store: SessionStore
  /** The Redis client the gateway owns (for the OIDC links and replay stores), if any. */
  redis?: Redis | Cluster
  /** Waits (at most `timeoutMs`) for the first connection, so the first requests do not fail needlessly. */
  connected(timeoutMs: number): Promise<boolean>
  /** Resolves `true` while the store answers. Never throws, never waits longer than `timeoutMs`. */
  ready(timeoutMs: number): Promise<boolean>
  close(): Promise<void>
}

// Fail fast while Redis is away (no offline queue, short timeouts) so forward auth answers 401 at once
// instead of queueing every request of every service behind the proxy.
const FAIL_FAST = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2000,
  commandTimeout: 1500,
} as const

function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

function clusterNode(url: string): { host: string; port: number } {
  const parsed = new URL(url)
  return { host: parsed.hostname, port: Number(parsed.port || 6379) }
}

/**
 * Opens the store named by `config.store`: `'memory'` (one process), a Redis URL, or a Redis Cluster's
 * seed nodes. The gateway owns the Redis client: it connects, and quits it on shutdown.
 *
 * @example
 * const { store, ready, close } = createStore({ redis: 'redis://127.0.0.1:6379' })
 */
export function createStore(
  config: GatewayConfig['store'],
  options: { now?: () => number } = {},
): GatewayStore {
  if (config === 'memory') {
    const store = new MemoryStore(options.now ? { now: options.now } : {})
    return { store, connected: async () => true, ready: async () => true, close: async () => {} }
  }
  let client: Redis | Cluster
  if (typeof config.redis === 'string') {
    client = new Redis(config.redis, FAIL_FAST)
  } else {
    const [first] = config.redis.cluster
    const seed = new URL(first!)
    client = new Cluster(config.redis.cluster.map(clusterNode), {
      enableOfflineQueue: false,
      redisOptions: {
        ...FAIL_FAST,
        ...(seed.username ? { username: decodeURIComponent(seed.username) } : {}),
        ...(seed.password ? { password: decodeURIComponent(seed.password) } : {}),
        ...(seed.protocol === 'rediss:' ? { tls: {} } : {}),
      },
    })
  }
  // Outages are reported by readiness and the audit trail (`store.unavailable`); an unhandled 'error'
  // event would crash the process instead.
  client.on('error', () => {})
  const store = new RedisStore({
    client,
    ...(config.prefix ? { prefix: config.prefix } : {}),
    ...(options.now ? { now: options.now } : {}),
  })
  return {
    store,
    redis: client,
    connected: (timeoutMs) =>
      withTimeout(
        new Promise<boolean>((resolve) => {
          if (client.status === 'ready') resolve(true)
          else client.once('ready', () => resolve(true))
        }),
        timeoutMs,
        false,
      ),
    ready: (timeoutMs) =>
      withTimeout(
        client.ping().then(
          (reply) => reply === 'PONG',
          () => false,
        ),
        timeoutMs,
        false,
      ),
    close: async () => {
      await withTimeout(
        client.quit().then(
          () => undefined,
          () => undefined,
        ),
        2000,
        undefined,
      )
      client.disconnect()
    },
  }
}
