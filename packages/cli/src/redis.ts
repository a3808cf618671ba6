import { type RedisCommandAdapter, RedisStore } from '@curfew/server'
import { createClient, createCluster } from 'redis'
import { CliError, EXIT } from './exitCodes'

/** `redis://:secret@host` → `redis://:***@host`: URLs end up in CI logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return url
  }
}

/** Rejects when `promise` has not settled within `ms`; the timer never keeps the process alive. */
function within<T>(promise: Promise<T>, options: { ms: number; what: string }): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer to ${options.what} within ${options.ms} ms`)),
      options.ms,
    )
    timer.unref?.()
  })
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer))
}

/**
 * Connects to Redis for one command. Every step — connecting and each command — has its own deadline
 * (`timeoutMs`), with no reconnect loop and no offline queue, so an unreachable, refusing or silent
 * server is a clear error (exit 3), never a hang. A Redis Cluster node (`INFO cluster` says
 * `cluster_enabled:1`) is used as the seed of a cluster connection, so the listing covers every master.
 */
export async function openRedisStore(options: {
  url: string
  prefix: string
  timeoutMs: number
}): Promise<{ store: RedisStore; close: () => Promise<void> }> {
  const { url, prefix, timeoutMs } = options
  if (!/^rediss?:\/\//.test(url)) {
    throw new CliError({
      message: `--redis must be a redis:// or rediss:// URL (got "${redactUrl(url)}")`,
      exitCode: EXIT.usage,
    })
  }
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: timeoutMs, reconnectStrategy: false },
  })
  client.on('error', () => {
    // Reported through the failing call below; without a listener node-redis would throw.
  })
  try {
    await within(client.connect(), { ms: timeoutMs, what: 'the connection' })
  } catch (cause) {
    destroy(client)
    throw new CliError({
      message: `Cannot reach Redis at ${redactUrl(url)}: ${(cause as Error).message}`,
      exitCode: EXIT.unreachable,
      cause,
    })
  }
  let clusterEnabled = false
  try {
    const info = await within(client.sendCommand(['INFO', 'cluster']), {
      ms: timeoutMs,
      what: 'INFO cluster',
    })
    clusterEnabled = /^cluster_enabled:1\b/m.test(String(info))
  } catch (cause) {
    destroy(client)
    throw new CliError({
      message: `Redis at ${redactUrl(url)} did not answer INFO cluster: ${(cause as Error).message}`,
      exitCode: EXIT.unreachable,
      cause,
    })
  }
  if (clusterEnabled) {
    destroy(client)
    return openCluster({ url, prefix, timeoutMs })
  }
  const adapter: RedisCommandAdapter = {
    send: (args) => within(client.sendCommand([...args]), { ms: timeoutMs, what: args[0] ?? 'a command' }),
  }
  return { store: new RedisStore({ client: adapter, prefix }), close: async () => destroy(client) }
}

/**
 * A Redis Cluster node was given (`cluster_enabled:1`): connect to the whole cluster from it, so that
 * `SCAN` walks every master and each subject's commands go to the master of its slot. The URL's
 * credentials and TLS apply to every node; the same deadlines, no reconnect loop.
 */
async function openCluster(options: {
  url: string
  prefix: string
  timeoutMs: number
}): Promise<{ store: RedisStore; close: () => Promise<void> }> {
  const { url, prefix, timeoutMs } = options
  const parsed = new URL(url)
  const cluster = createCluster({
    rootNodes: [{ url }],
    defaults: {
      ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
      ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
      disableOfflineQueue: true,
      socket: {
        connectTimeout: timeoutMs,
        reconnectStrategy: false,
        ...(parsed.protocol === 'rediss:' ? { tls: true as const } : {}),
      },
    },
    // Read from the masters: a replica may lag behind a revoke.
    useReplicas: false,
  })
  cluster.on('error', () => {
    // Reported through the failing call below.
  })
  try {
    await within(cluster.connect(), { ms: timeoutMs, what: 'the cluster connection' })
  } catch (cause) {
    destroy(cluster)
    throw new CliError({
      message: `Cannot reach the Redis Cluster at ${redactUrl(url)}: ${(cause as Error).message}`,
      exitCode: EXIT.unreachable,
      cause,
    })
  }
  const timed = (reply: Promise<unknown>, args: readonly string[]) =>
    within(reply, { ms: timeoutMs, what: args[0] ?? 'a command' })
  const adapter: RedisCommandAdapter = {
    send: (args, key) => timed(cluster.sendCommand(key, false, [...args]), args),
    masters: async () =>
      Promise.all(
        cluster.masters.map(async (master) => {
          const node = await timed(cluster.nodeClient(master), ['connect to a master'])
          const client = node as { sendCommand(args: string[]): Promise<unknown> }
          return { send: (args: readonly string[]) => timed(client.sendCommand([...args]), args) }
        }),
      ),
  }
  return { store: new RedisStore({ client: adapter, prefix }), close: async () => destroy(cluster) }
}

/** Closing a client that never connected throws "The client is closed": nothing is left to release. */
function destroy(client: { destroy(): void }): void {
  try {
    client.destroy()
  } catch {}
}
