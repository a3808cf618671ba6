import { randomUUID } from 'node:crypto'
import { MemoryStore, RedisStore, type SessionStore } from '@curfew/server'
import { Redis } from 'ioredis'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** A store the suites run on, made on the suite's clock, with its own clean-up. */
export interface StoreKind {
  name: 'memory' | 'redis'
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
