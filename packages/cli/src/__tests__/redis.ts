import { randomUUID } from 'node:crypto'
import { createSessionManager, type PolicyOption, RedisStore, type SessionManager } from '@curfew/server'
import { createClient } from 'redis'

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

export interface TestRedis {
  prefix: string
  /** A manager over this prefix; `behind` sets the store's clock that many ms behind Redis's. */
  manager(policy: PolicyOption, behind?: number): SessionManager
  keys(): Promise<string[]>
  /** Deletes every key of the prefix, closes the connection, and resolves the keys still left (none). */
  cleanup(): Promise<string[]>
}

/** A real Redis connection with a key prefix no other test uses, and its cleanup. */
export async function connectRedis(): Promise<TestRedis> {
  const client = createClient({ url: REDIS_URL })
  client.on('error', () => {})
  await client.connect()
  const prefix = `curfew-cli-test:${randomUUID()}:`
  const keys = async (): Promise<string[]> => {
    const found: string[] = []
    for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) found.push(...batch)
    return found
  }
  return {
    prefix,
    manager(policy: PolicyOption, behind = 0) {
      const store = new RedisStore({
        client,
        prefix,
        ...(behind ? { now: () => Date.now() - behind } : {}),
      })
      return createSessionManager({ policy, store })
    },
    keys,
    async cleanup() {
      const found = await keys()
      if (found.length) await client.del(found)
      const left = await keys()
      client.destroy()
      return left
    },
  }
}
