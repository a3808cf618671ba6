import { CurfewError } from '@curfew/core'
import type { EndNoticeChannel } from '../../watch/types'
import type {
  SessionStore,
  StoreCheckInput,
  StoreCheckResult,
  StoreCreateInput,
  StoredSession,
  StoredTombstone,
  StoreRevokeInput,
  StoreRevokeSubjectInput,
} from '../types'
import { commandSender, isNoScript, type RedisClientLike, type SendCommand } from './client'
import { redisEndChannel } from './endChannel'
import { SCRIPT, SCRIPT_SHA } from './script'

export interface RedisStoreOptions {
  /**
   * A connected node-redis v5 client (`createClient()`), an ioredis v5 client (`new Redis()`), or an
   * adapter `{ send(args) }`. The application owns it (connects, quits). See the README for the
   * client options that make an outage fail fast instead of queueing.
   */
  client: RedisClientLike
  /** Prefix of every key. Default `'curfew:'`. On Redis Cluster put a hash tag in it: `'{curfew}:'`. */
  prefix?: string
  /**
   * A test clock (epoch ms) that replaces Redis `TIME` for every decision and for `time()`. Leave it
   * out in production: then Redis's clock decides for the whole fleet.
   */
  now?: () => number
  /** Retired (renewed) token ids kept per session for grace and reuse detection. Default 8. */
  maxRetiredIds?: number
}

/** A session record as the script returns it: `data` travels as a JSON string Lua never parses. */
type WireSession = Omit<StoredSession, 'data'> & { data?: string }

type WireCheck =
  | { outcome: 'active'; now: number; session: WireSession; touched: boolean; renewal?: StoreRenewal }
  // Nothing written: the script returns the stored record unparsed; the session is its `s`.
  | { outcome: 'active'; now: number; record: { s: WireSession }; touched: false }
  | {
      outcome: 'ended'
      now: number
      reason: StoredTombstone['reason']
      tombstone: StoredTombstone
      first: boolean
    }
  | { outcome: 'unknown'; now: number }
type StoreRenewal = { nonce: string; rotated: boolean }

/**
 * The fleet store: sessions in Redis (≥ 6), judged by one Lua script — exactly one round trip
 * (`EVALSHA`, `EVAL` once after a `NOSCRIPT`) and one atomic step per check, on Redis's clock (`TIME`)
 * so servers whose clocks disagree still agree. Keys expire by themselves at the session's deadline
 * plus the tombstone TTL. Keeps only token hashes.
 *
 * @example
 * import { createClient } from 'redis'
 * const client = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true })
 * client.on('error', (error) => log.warn(error))
 * await client.connect()
 * const manager = createSessionManager({ policy: presets.nistAal3, store: new RedisStore({ client }) })
 */
export class RedisStore implements SessionStore {
  readonly prefix: string
  readonly #send: SendCommand
  readonly #clock: (() => number) | undefined
  readonly #maxRetired: number
  #lastPolicies: StoreCheckInput['policies'] | undefined
  #lastPoliciesJson = ''
  readonly #client: RedisClientLike
  #endNotices: EndNoticeChannel | undefined

  constructor(options: RedisStoreOptions) {
    if (typeof options !== 'object' || options === null || options.client == null) {
      throw new CurfewError({ code: 'invalid_option', message: 'RedisStore expects { client }.' })
    }
    this.#send = commandSender(options.client)
    this.#client = options.client
    this.prefix = options.prefix ?? 'curfew:'
    this.#clock = options.now
    this.#maxRetired = Math.max(1, Math.floor(options.maxRetiredIds ?? 8))
  }

  /**
   * Session-end notices for `manager.watch` on channel `<prefix>ends` (plain pub/sub, also on a
   * cluster); the subscriber is a `duplicate()` of the client, opened by the first watch.
   */
  endNotices(): EndNoticeChannel | undefined {
    this.#endNotices ??= redisEndChannel({
      client: this.#client,
      send: this.#send,
      channel: `${this.prefix}ends`,
    })
    return this.#endNotices
  }

  /** The deciding clock: Redis `TIME` (or the test clock given as `now`). */
  async time(): Promise<number> {
    if (this.#clock) return this.#clock()
    const reply = (await this.#send(['TIME'])) as [string, string]
    return Number(reply[0]) * 1000 + Math.floor(Number(reply[1]) / 1000)
  }

  async create(input: StoreCreateInput): Promise<{ now: number }> {
    const { data, ...rest } = input.session
    const session: WireSession = data === undefined ? rest : { ...rest, data: JSON.stringify(data) }
    return this.#run<{ now: number }>({
      op: 'create',
      key: this.#idKey(input.id),
      now: input.now,
      args: [input.id, JSON.stringify(session), JSON.stringify(input.limits), String(input.tombstoneTtl)],
    })
  }

  async check(input: StoreCheckInput): Promise<StoreCheckResult> {
    const reply = await this.#run<WireCheck>({
      op: 'check',
      key: this.#idKey(input.id),
      now: input.now,
      args: [
        input.id,
        input.activity ? '1' : '0',
        this.#policiesJson(input.policies),
        String(input.tombstoneTtl),
        input.renew?.successorId ?? '',
        input.renew?.nonce ?? '',
        String(this.#maxRetired),
      ],
    })
    if (reply.outcome !== 'active') return reply
    if ('record' in reply)
      return { outcome: 'active', now: reply.now, touched: false, session: fromWire(reply.record.s) }
    const { session, ...rest } = reply
    return { ...rest, session: fromWire(session) }
  }

  async revoke(input: StoreRevokeInput): Promise<{ now: number; ended: StoredTombstone | null }> {
    const handle = input.handle ?? ''
    const reply = await this.#run<{ now: number; ended?: StoredTombstone }>({
      op: 'revoke',
      key: handle ? this.#recordKey(handle) : this.#idKey(input.id ?? ''),
      now: input.now,
      args: [input.id ?? '', handle, input.reason, String(input.tombstoneTtl)],
    })
    return { now: reply.now, ended: reply.ended ?? null }
  }

  async revokeSubject(input: StoreRevokeSubjectInput): Promise<{ now: number; ended: StoredTombstone[] }> {
    const reply = await this.#run<{ now: number; ended: StoredTombstone[] | Record<string, never> }>({
      op: 'revokeSubject',
      key: this.#subjectKey(input.subject),
      now: input.now,
      args: [input.subject, input.reason, String(input.tombstoneTtl)],
    })
    return { now: reply.now, ended: asArray(reply.ended) }
  }

  async list(input: { subject: string; now?: number }): Promise<{ now: number; sessions: StoredSession[] }> {
    const reply = await this.#run<{ now: number; sessions: WireSession[] | Record<string, never> }>({
      op: 'list',
      key: this.#subjectKey(input.subject),
      now: input.now,
      args: [input.subject],
    })
    return { now: reply.now, sessions: asArray(reply.sessions).map(fromWire) }
  }

  /**
   * Streams the live session records (tombstones skipped) with `SCAN`, one batch of about `count` keys
   * in memory at a time. Meant for fleet-wide audits such as drift detection (`manager.findDrift`, a
   * later feature): finding sessions created under a policy fingerprint other than the one in force.
   * Not atomic: records may change or expire while it runs. Uses `MGET` per batch, so on Redis Cluster
   * it needs a hash-tagged prefix.
   *
   * @example
   * for await (const session of store.scan({ count: 500 })) {
   *   if (session.fingerprint !== expected) drifted.push(session.handle)
   * }
   */
  async *scan(options: { count?: number } = {}): AsyncGenerator<StoredSession, void, undefined> {
    const count = String(Math.max(1, Math.floor(options.count ?? 100)))
    const match = `${escapeGlob(this.prefix)}s:{*}`
    let cursor = '0'
    do {
      const [next, keys] = (await this.#send(['SCAN', cursor, 'MATCH', match, 'COUNT', count])) as [
        string,
        string[],
      ]
      cursor = String(next)
      if (keys.length === 0) continue
      const raws = (await this.#send(['MGET', ...keys])) as Array<string | null>
      for (const raw of raws) {
        if (raw === null) continue // expired between SCAN and MGET
        const record = JSON.parse(raw) as { s: WireSession; t?: unknown }
        if (!record.t) yield fromWire(record.s)
      }
    } while (cursor !== '0')
  }

  /** The application owns the client; closing the store releases nothing of it. */
  async close(): Promise<void> {}

  async #run<T>(call: { op: string; key: string; now: number | undefined; args: string[] }): Promise<T> {
    const now = call.now ?? this.#clock?.()
    const tail = ['1', call.key, call.op, this.prefix, now === undefined ? '' : String(now), ...call.args]
    let reply: unknown
    try {
      reply = await this.#send(['EVALSHA', SCRIPT_SHA, ...tail])
    } catch (error) {
      // After a restart or `SCRIPT FLUSH` the script cache is empty: EVAL sends (and caches) it once.
      if (!isNoScript(error)) throw error
      reply = await this.#send(['EVAL', SCRIPT, ...tail])
    }
    return JSON.parse(String(reply)) as T
  }

  // The manager passes the same frozen limits object on every check: serialise it once, not per
  // request. A mutable object (a direct caller) is serialised every time.
  #policiesJson(policies: StoreCheckInput['policies']): string {
    if (!Object.isFrozen(policies)) return JSON.stringify(policies)
    if (policies !== this.#lastPolicies) {
      this.#lastPolicies = policies
      this.#lastPoliciesJson = JSON.stringify(policies)
    }
    return this.#lastPoliciesJson
  }

  #idKey(id: string): string {
    return `${this.prefix}i:${id}`
  }

  #recordKey(handle: string): string {
    return `${this.prefix}s:{${handle}}`
  }

  #subjectKey(subject: string): string {
    return `${this.prefix}u:${subject}`
  }
}

function fromWire(session: WireSession): StoredSession {
  const { data, ...rest } = session
  return data === undefined ? rest : { ...rest, data: JSON.parse(data) as Record<string, unknown> }
}

/** cjson encodes an empty Lua table as `{}`. */
function asArray<T>(value: T[] | Record<string, never>): T[] {
  return Array.isArray(value) ? value : []
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&')
}
