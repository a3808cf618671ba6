import { createHash } from 'node:crypto'
import { CurfewError } from '@curfew/core'
import { commandSender, type RedisClientLike, type SendCommand } from '../stores/redis/client'

/**
 * Remembers one-time values (a logout token's `jti`, an authorization `state`) for a while, so that a
 * second use is refused. `claim` is atomic: of any number of concurrent claims of one value, across the
 * fleet when the store is shared, exactly one resolves `true`.
 */
export interface ReplayStore {
  /** `true` the first time `value` is claimed within `ttlMs`; `false` for every later claim. */
  claim(value: string, ttlMs: number): Promise<boolean>
}

/** Options of {@link MemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Most values kept; the oldest are forgotten first. Default 100 000. */
  maxEntries?: number
  /** Clock (epoch ms), for tests. */
  now?: () => number
}

/**
 * A single-process replay store: a bounded map of values to their expiry. Use {@link RedisReplayStore}
 * when several servers receive logout tokens.
 *
 * @example
 * const replay = new MemoryReplayStore()
 * await verifyLogoutToken(token, { issuer, audience, jwks, replay })
 */
export class MemoryReplayStore implements ReplayStore {
  readonly #seen = new Map<string, number>()
  readonly #max: number
  readonly #now: () => number

  constructor(options: MemoryReplayStoreOptions = {}) {
    this.#max = options.maxEntries ?? 100_000
    this.#now = options.now ?? Date.now
  }

  async claim(value: string, ttlMs: number): Promise<boolean> {
    const now = this.#now()
    const until = this.#seen.get(value)
    if (until !== undefined && until > now) return false
    this.#seen.delete(value)
    if (this.#seen.size >= this.#max) this.#evict(now)
    this.#seen.set(value, now + ttlMs)
    return true
  }

  // Expired entries first; if every entry is live, the oldest inserted (Map keeps insertion order).
  #evict(now: number): void {
    for (const [value, until] of this.#seen) if (until <= now) this.#seen.delete(value)
    while (this.#seen.size >= this.#max) {
      const oldest = this.#seen.keys().next().value
      if (oldest === undefined) break
      this.#seen.delete(oldest)
    }
  }
}

/** Options of {@link RedisReplayStore}. */
export interface RedisReplayStoreOptions {
  /** A node-redis v5 or ioredis v5 client, or `{ send(args) }`. */
  client: RedisClientLike
  /** Key prefix. Default `'curfew:'`. */
  prefix?: string
}

/**
 * A replay store shared by the fleet: one `SET key 1 NX PX ttl` per claim, so one Redis decides which
 * server saw a value first. Values are hashed into keys (a hostile `jti` never becomes a key as is), and
 * each key is its own hash tag, so claims spread over a cluster's slots.
 *
 * @example
 * const replay = new RedisReplayStore({ client: redis, prefix: 'myapp:' })
 */
export class RedisReplayStore implements ReplayStore {
  readonly #send: SendCommand
  readonly #prefix: string

  constructor(options: RedisReplayStoreOptions) {
    if (options?.client === undefined) {
      throw new CurfewError({ code: 'invalid_option', message: 'RedisReplayStore needs { client }.' })
    }
    this.#send = commandSender(options.client)
    this.#prefix = options.prefix ?? 'curfew:'
  }

  async claim(value: string, ttlMs: number): Promise<boolean> {
    const digest = createHash('sha256').update(value).digest('base64url')
    const ttl = String(Math.max(1, Math.ceil(ttlMs)))
    const key = `${this.#prefix}replay:{${digest}}`
    const reply = await this.#send(['SET', key, '1', 'NX', 'PX', ttl], key)
    return reply === 'OK'
  }
}
