import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { afterAll, beforeAll } from 'vitest'
import { RedisStore } from '../src/index'
import { adapters } from './conformance/apps'
import type { StoreUnderTest } from './conformance/harness'
import { describeAdapterConformance } from './conformance/index'

// The same HTTP conformance suite on a real Redis (REDIS_URL), each test under its own key prefix,
// deleted afterwards.
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
let client: Redis

beforeAll(async () => {
  client = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 })
  try {
    await client.connect()
  } catch (error) {
    throw new Error(`Redis is not answering at ${REDIS_URL}: start it (redis-server) or set REDIS_URL.`, {
      cause: error,
    })
  }
})

afterAll(async () => {
  client.disconnect()
})

async function deletePrefix(prefix: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
    cursor = next
    if (keys.length > 0) await client.del(...keys)
  } while (cursor !== '0')
}

const redisStore: StoreUnderTest = {
  name: 'redis',
  create: (now) => new RedisStore({ client, prefix: `curfew-http-test:${randomUUID()}:`, now }),
  dispose: (store) => deletePrefix((store as RedisStore).prefix),
}

for (const adapter of adapters) describeAdapterConformance(adapter, redisStore)
