import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { Redis } from 'ioredis'
import { createClient } from 'redis'
import {
  connectionOf,
  type IoRedisClientLike,
  type NodeRedisClientLike,
  type RedisClientLike,
} from '../client'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A key prefix no other test (or helper) uses. */
export function uniquePrefix(): string {
  return `curfew-test:${randomUUID()}:`
}

/**
 * The client options the README recommends: fail fast while disconnected instead of queueing, bounded
 * connect and command time, reconnect forever with a capped back-off.
 */
/** A test connection: the client, the errors it reported to its listener, and a wait for reconnection. */
export interface Connection<C extends RedisClientLike> {
  client: C
  errors: unknown[]
  ready(): Promise<void>
  close(): void
}

export async function connectNodeRedis(
  url = REDIS_URL,
  options: { defaults?: boolean } = {},
): Promise<Connection<NodeRedisClientLike>> {
  const client = createClient(
    options.defaults
      ? { url }
      : {
          url,
          disableOfflineQueue: true,
          commandOptions: { timeout: 1000 },
          socket: { connectTimeout: 1000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 1000) },
        },
  )
  const errors: unknown[] = []
  client.on('error', (error) => errors.push(error))
  await client.connect()
  const ready = async () => {
    if (!client.isReady) await once(client, 'ready')
  }
  return { client, errors, ready, close: () => client.destroy() }
}

/** Same recommendations for ioredis (`defaults: true` leaves ioredis's own defaults). */
export async function connectIoRedis(
  url = REDIS_URL,
  options: { defaults?: boolean } = {},
): Promise<Connection<IoRedisClientLike>> {
  const client = new Redis(url, {
    lazyConnect: true,
    ...(options.defaults
      ? {}
      : {
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          commandTimeout: 1000,
          connectTimeout: 1000,
          retryStrategy: (times: number) => Math.min(50 * 2 ** times, 1000),
        }),
  })
  const errors: unknown[] = []
  client.on('error', (error) => errors.push(error))
  await client.connect()
  const ready = async () => {
    if (client.status !== 'ready') await once(client, 'ready')
  }
  return { client, errors, ready, close: () => client.disconnect() }
}

export type Connect = typeof connectNodeRedis | typeof connectIoRedis

export const clients: Array<[name: string, connect: Connect]> = [
  ['node-redis', connectNodeRedis],
  ['ioredis', connectIoRedis],
]

/** Every key under `prefix` (a glob pattern prefix), found with SCAN on every master. */
export async function keysUnder(client: RedisClientLike, prefix: string): Promise<string[]> {
  const found: string[] = []
  for (const send of await connectionOf(client).masters()) {
    let cursor = '0'
    do {
      const [next, keys] = (await send(['SCAN', cursor, 'MATCH', `${prefix}*`, 'COUNT', '500'])) as [
        string,
        string[],
      ]
      cursor = String(next)
      found.push(...keys)
    } while (cursor !== '0')
  }
  return found
}

/** Deletes every key under `prefix` (SCAN on every master, one routed DEL per key). */
export async function deletePrefix(client: RedisClientLike, prefix: string): Promise<number> {
  const keys = await keysUnder(client, prefix)
  const send = connectionOf(client).send
  let deleted = 0
  // In chunks: tens of thousands of commands at once would outlast a client's command timeout.
  for (let i = 0; i < keys.length; i += 500) {
    const replies = await Promise.all(keys.slice(i, i + 500).map((key) => send(['DEL', key], key)))
    deleted += replies.reduce<number>((sum, n) => sum + Number(n), 0)
  }
  return deleted
}

export { keySlot } from '../keys'
