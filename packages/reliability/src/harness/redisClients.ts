import { once } from 'node:events'
import type { RedisClientLike } from '@curfew/server'
import { Redis } from 'ioredis'
import { createClient } from 'redis'

/** A client as the server README recommends it, the errors it reported, and a wait for reconnection. */
export interface Connection {
  name: 'node-redis' | 'ioredis'
  client: RedisClientLike
  errors: unknown[]
  ready(): Promise<void>
  close(): void
}

// Fail fast while disconnected (no offline queue), bounded connect and command time, reconnect forever
// with a capped back-off: the settings the server README recommends.
async function nodeRedis(url: string): Promise<Connection> {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    commandOptions: { timeout: 1000 },
    socket: { connectTimeout: 1000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 500) },
  })
  const errors: unknown[] = []
  client.on('error', (error) => errors.push(error))
  await client.connect()
  return {
    name: 'node-redis',
    client: client as unknown as RedisClientLike,
    errors,
    ready: async () => {
      if (!client.isReady) await once(client, 'ready')
    },
    close: () => client.destroy(),
  }
}

async function ioRedis(url: string): Promise<Connection> {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
    connectTimeout: 1000,
    retryStrategy: (times: number) => Math.min(50 * 2 ** times, 500),
  })
  const errors: unknown[] = []
  client.on('error', (error) => errors.push(error))
  await client.connect()
  return {
    name: 'ioredis',
    client: client as unknown as RedisClientLike,
    errors,
    ready: async () => {
      if (client.status !== 'ready') await once(client, 'ready')
    },
    close: () => client.disconnect(),
  }
}

export const redisClients = [
  { name: 'node-redis', connect: nodeRedis },
  { name: 'ioredis', connect: ioRedis },
] as const
