import { createHash } from 'node:crypto'
import { CurfewError } from '@curfew/core'
import { commandSender, type RedisClientLike, type SendCommand } from '../stores/redis/client'
import type { OidcSessionLink, OidcSessionLinks } from './links'

/** Options of {@link RedisOidcSessionLinks}. */
export interface RedisOidcSessionLinksOptions {
  /** A node-redis v5 or ioredis v5 client, or `{ send(args) }`. */
  client: RedisClientLike
  /** Key prefix. Default `'curfew:'`. */
  prefix?: string
}

// Adds a handle to an index set and lets the set live as long as its longest-lived member.
const INDEX_ADD = `redis.call('SADD', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1`

// Merges changes into a link in one step: two servers updating one link (a liveness check rotating the
// refresh token while another records its check) never write back each other's stale copy. No link, no
// write (it ended with its session); KEEPTTL (Redis 6) keeps it expiring with the session.
const LINK_UPDATE = `local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local link = cjson.decode(raw)
for name, value in pairs(cjson.decode(ARGV[1])) do link[name] = value end
redis.call('SET', KEYS[1], cjson.encode(link), 'KEEPTTL')
return 1`

const digest = (value: string) => createHash('sha256').update(value).digest('base64url')

/**
 * Links shared by the fleet in Redis. Every command touches one key (named to the client, so a cluster
 * client routes it to its slot), and each key is its own hash tag:
 * a link under `{h:<handle>}`, the `(iss, sid)` and `(iss, sub)` indexes under a digest of the pair (a
 * `sid`-only logout knows no subject, so the index cannot share the subject's slot). A back-channel
 * logout reads one index and then ends each session on its own, which works the same on a cluster.
 *
 * @example
 * const links = new RedisOidcSessionLinks({ client: redis, prefix: 'myapp:' })
 */
export class RedisOidcSessionLinks implements OidcSessionLinks {
  readonly #send: SendCommand
  readonly #prefix: string

  constructor(options: RedisOidcSessionLinksOptions) {
    if (options?.client === undefined) {
      throw new CurfewError({ code: 'invalid_option', message: 'RedisOidcSessionLinks needs { client }.' })
    }
    this.#send = commandSender(options.client)
    this.#prefix = options.prefix ?? 'curfew:'
  }

  #linkKey(handle: string) {
    return `${this.#prefix}oidc:link:{h:${handle}}`
  }

  #indexKey(kind: 'sid' | 'sub', iss: string, value: string) {
    return `${this.#prefix}oidc:${kind}:{${digest(`${iss}\n${value}`)}}`
  }

  async put(link: OidcSessionLink, ttlMs: number): Promise<void> {
    const ttl = String(Math.max(1, Math.ceil(ttlMs)))
    const linkKey = this.#linkKey(link.handle)
    await this.#send(['SET', linkKey, JSON.stringify(link), 'PX', ttl], linkKey)
    const indexes = [this.#indexKey('sub', link.iss, link.sub)]
    if (link.sid !== undefined) indexes.push(this.#indexKey('sid', link.iss, link.sid))
    await Promise.all(indexes.map((key) => this.#send(['EVAL', INDEX_ADD, '1', key, link.handle, ttl], key)))
  }

  async get(handle: string): Promise<OidcSessionLink | undefined> {
    const key = this.#linkKey(handle)
    const raw = await this.#send(['GET', key], key)
    if (typeof raw !== 'string') return undefined
    try {
      return JSON.parse(raw) as OidcSessionLink
    } catch {
      return undefined
    }
  }

  /** Atomic: one script reads, merges and writes the link (see `LINK_UPDATE`). */
  async update(handle: string, changes: Pick<OidcSessionLink, 'sealedTokens' | 'checkedAt'>): Promise<void> {
    const known: Partial<OidcSessionLink> = {}
    if (changes.sealedTokens !== undefined) known.sealedTokens = changes.sealedTokens
    if (changes.checkedAt !== undefined) known.checkedAt = changes.checkedAt
    const key = this.#linkKey(handle)
    await this.#send(['EVAL', LINK_UPDATE, '1', key, JSON.stringify(known)], key)
  }

  async handles(query: { iss: string; sid?: string; sub?: string }): Promise<string[]> {
    const key =
      query.sid !== undefined
        ? this.#indexKey('sid', query.iss, query.sid)
        : query.sub !== undefined
          ? this.#indexKey('sub', query.iss, query.sub)
          : undefined
    if (key === undefined) return []
    const members = await this.#send(['SMEMBERS', key], key)
    return Array.isArray(members) ? members.map(String) : []
  }

  async claimCheck(handle: string, round: string, ttlMs: number): Promise<boolean> {
    const ttl = String(Math.max(1, Math.ceil(ttlMs)))
    const key = `${this.#prefix}oidc:check:{h:${handle}}:${digest(round)}`
    const reply = await this.#send(['SET', key, '1', 'NX', 'PX', ttl], key)
    return reply === 'OK'
  }

  async remove(handle: string): Promise<void> {
    const link = await this.get(handle)
    const linkKey = this.#linkKey(handle)
    await this.#send(['DEL', linkKey], linkKey)
    if (link === undefined) return
    const indexes = [this.#indexKey('sub', link.iss, link.sub)]
    if (link.sid !== undefined) indexes.push(this.#indexKey('sid', link.iss, link.sid))
    await Promise.all(indexes.map((key) => this.#send(['SREM', key, handle], key)))
  }
}
