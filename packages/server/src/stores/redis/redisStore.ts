import { CurfewError } from '@curfew/core'
import type { EndNoticeChannel } from '../../watch/types'
import type {
  ReplicationShortfall,
  SessionStore,
  StoreCheckInput,
  StoreCheckResult,
  StoreCreateInput,
  StoredSession,
  StoredTombstone,
  StoreFailureDomain,
  StoreRevokeInput,
  StoreRevokeSubjectInput,
  StoreRoute,
} from '../types'
import { type Connection, connectionOf, isNoScript, type RedisClientLike } from './client'
import { RedisClockSample } from './clock'
import { redisEndChannel } from './endChannel'
import {
  checkPrefix,
  handleOfId,
  keySlot,
  recordKey,
  recordPattern,
  routeTag,
  sessionKeys,
  subjectKeys,
  subjectRecordPattern,
} from './keys'
import {
  fromWire,
  judgeRead,
  parseRecord,
  type ReadRecord,
  readWillDo,
  toWire,
  type WireRecord,
  type WireSession,
} from './record'
import { SCRIPT, SCRIPT_SHA } from './script'
import { shardsOf } from './shards'

export interface RedisStoreOptions {
  /**
   * A connected client: node-redis v5/v6 (`createClient()` or `createCluster()`), ioredis v5/v6
   * (`new Redis()` or `new Cluster()`), or an adapter `{ send(args, key?) }`. The application owns it
   * (connects, quits). See the README for the client options that make an outage fail fast instead of
   * queueing.
   */
  client: RedisClientLike
  /**
   * Prefix of every key. Default `'curfew:'`. No braces: each key carries its own hash tag (its
   * subject's), which is what spreads sessions over a Redis Cluster.
   */
  prefix?: string
  /**
   * A test clock (epoch ms) that replaces Redis `TIME` for every decision and for `time()`. Leave it
   * out in production: then Redis's clock decides for the whole fleet.
   */
  now?: () => number
  /** Retired (renewed) token ids kept per session for grace and reuse detection. Default 8. */
  maxRetiredIds?: number
  /**
   * Off by default. Makes `revoke`, `revokeSubject` and `forgetSubject` wait, after their script, for
   * Redis `WAIT <count> <timeout>` on the connection that ran it (on a cluster, the master of the
   * subject's slot), so that a revocation the master acknowledged is on `count` replicas before the
   * call returns — a failover cannot undo it (Redis replicates asynchronously: without this, a master
   * that dies before its replica received a revoke takes the revoke with it, and the promoted replica
   * accepts the session again). Checks never wait: a check stays one round trip.
   *
   * When fewer than `count` replicas confirm within `timeout` ms (or `WAIT` fails), the call still
   * returns normally — the write did happen on the master — and reports it: the store's result carries
   * `replicationShortfall`, and the manager's audit events for it (`session.revoked`,
   * `subject.forgotten`) carry `meta.replicas` (how many confirmed) and `meta.replicasWanted`.
   *
   * `WAIT` blocks its connection, which the store shares with checks: checks sent to that master in
   * the meantime wait behind it (about a replica round trip when replicas are healthy, up to `timeout`
   * when one lags). Keep `timeout` well below the manager's `storeTimeout`. Only for deployments with
   * replicas: with `count` above the replicas there are, every revoke waits the full `timeout`.
   *
   * @example
   * new RedisStore({ client: cluster, waitForReplicas: { count: 1, timeout: 100 } })
   */
  waitForReplicas?: { count: number; timeout: number }
}

type WireCheck =
  | {
      outcome: 'active'
      now: number
      session: WireSession
      touched: boolean
      renewal?: { nonce: string; rotated: boolean }
      current: string
    }
  // Nothing written: the script returns the stored record unparsed.
  | { outcome: 'active'; now: number; record: WireRecord; touched: false }
  | {
      outcome: 'ended'
      now: number
      reason: StoredTombstone['reason']
      tombstone: StoredTombstone
      first: boolean
    }
  | { outcome: 'unknown'; now: number }

/**
 * What this process last saw of a session, to predict whether a plain read will decide its next check;
 * after a plain read also the stored string and its parse, reused while a read returns the same string.
 */
type Seen = { c: string; s: StoredSession; raw?: string; record?: ReadRecord }

/** One check on its way: the session's handle, the input, and the `now` given by the caller or test clock. */
type CheckCall = { handle: string; input: StoreCheckInput; given: number | undefined }

/** Sessions remembered for that prediction; a forgotten one costs one script run, nothing else. */
const SEEN_LIMIT = 10_000
/**
 * How close (ms, by Redis's clock bounded from above) a check may come to a deadline, a due write or
 * the end of a grace window and still be sent as a plain read: it covers the read's own round trip.
 */
const READ_MARGIN = 250
/** `list` / `revokeSubject` re-read the index when a session was added between read and script. */
const MAX_INDEX_RETRIES = 5

/**
 * The fleet store: sessions in Redis (≥ 6) or Redis Cluster, judged by Redis's clock (`TIME`) so
 * servers whose clocks disagree still agree, in exactly one round trip per check:
 *
 * - a check that will write nothing (a passive check, activity inside `touchInterval`, far from any
 *   deadline) is one `GET` of the session record, judged in Node against Redis's clock as last sampled,
 *   with the sample's round trip as its error bound;
 * - every other check (a deadline near or reached — so each expiry is recorded and audited exactly
 *   once —, activity to record, a renewal) is one `EVALSHA` of a Lua script, atomic.
 *
 * Every key of a session carries its subject's hash tag, so each call touches one slot, a subject's
 * sessions share a slot and the sessions spread over every slot of a cluster. Keys expire by themselves
 * at the session's deadline plus the tombstone TTL. Keeps only token hashes.
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
  readonly #connection: Connection
  readonly #clock: (() => number) | undefined
  readonly #maxRetired: number
  readonly #redisClock = new RedisClockSample()
  readonly #seen = new Map<string, Seen>()
  #lastPolicies: StoreCheckInput['policies'] | undefined
  #lastPoliciesJson = ''
  readonly #client: RedisClientLike
  #endNotices: EndNoticeChannel | undefined
  readonly #shardOf: ((slot: number) => StoreFailureDomain | null) | undefined
  readonly #wait: { count: number; args: string[] } | undefined

  constructor(options: RedisStoreOptions) {
    if (typeof options !== 'object' || options === null || options.client == null) {
      throw new CurfewError({ code: 'invalid_option', message: 'RedisStore expects { client }.' })
    }
    this.#connection = connectionOf(options.client)
    const { masterAt } = this.#connection
    this.#shardOf = masterAt && shardsOf(masterAt)
    this.#client = options.client
    this.prefix = checkPrefix(options.prefix ?? 'curfew:')
    this.#clock = options.now
    this.#maxRetired = Math.max(1, Math.floor(options.maxRetiredIds ?? 8))
    this.#wait = waitOption(options.waitForReplicas)
  }

  /**
   * Session-end notices for `manager.watch` on channel `<prefix>ends`: plain pub/sub on one node,
   * sharded pub/sub (`SPUBLISH` / `SSUBSCRIBE`) on a cluster. The subscriber, opened by the first
   * watch, is a `duplicate()` of the client (on a cluster, a connection to the master that owns the
   * channel's slot, following it through failovers).
   */
  endNotices(): EndNoticeChannel | undefined {
    this.#endNotices ??= redisEndChannel({
      client: this.#client,
      send: this.#connection.send,
      channel: `${this.prefix}ends`,
    })
    return this.#endNotices
  }

  /**
   * On a Redis Cluster, the shard a call on `route` goes to — its master's slot ranges and address, as
   * the client's slot map has them now — so the manager audits each shard's outage once, whatever the
   * other shards do. `null` for a call on no key (`TIME` goes to any node). `undefined` on one node
   * (and for an adapter): the store is one failure domain.
   */
  failureDomain(route: StoreRoute | undefined): StoreFailureDomain | null | undefined {
    if (!this.#shardOf) return undefined
    const tag = route && routeTag(route)
    return tag === undefined ? null : this.#shardOf(keySlot(`{${tag}}`))
  }

  /** The deciding clock: Redis `TIME` (or the test clock given as `now`). */
  async time(): Promise<number> {
    if (this.#clock) return this.#clock()
    const sentAt = this.#redisClock.local()
    const reply = (await this.#connection.send(['TIME'])) as [string, string]
    const now = Number(reply[0]) * 1000 + Math.floor(Number(reply[1]) / 1000)
    this.#redisClock.record(now, sentAt, this.#redisClock.local())
    return now
  }

  async create(input: StoreCreateInput): Promise<{ now: number }> {
    const handle = this.#handleOf(input.id)
    if (handle !== input.session.handle) {
      throw new CurfewError({
        code: 'invalid_option',
        message: `RedisStore: the id must start with its session's handle ("${input.session.handle}.…").`,
      })
    }
    const keys = sessionKeys(this.prefix, handle)
    const reply = await this.#run<{ now: number }>({
      keys: [keys.record, keys.index],
      args: [
        'create',
        this.#nowArg(input.now),
        input.id,
        JSON.stringify(toWire(input.session)),
        JSON.stringify(input.limits),
        String(input.tombstoneTtl),
      ],
    })
    this.#remember(handle, { c: input.id, s: input.session })
    return reply
  }

  // Not async: a check that writes nothing is one GET and one `then` (no async frames, no awaits).
  check(input: StoreCheckInput): Promise<StoreCheckResult> {
    try {
      const handle = handleOfId(input.id)
      // Not an id of this layout (e.g. a token issued before it): no session can be stored under it.
      if (handle === undefined) return this.#unknownId(input)
      const given = input.now ?? this.#clock?.()
      const expected = given ?? this.#redisClock.upperBound()
      if (
        expected !== undefined &&
        readWillDo({ seen: this.#seen.get(handle), input, now: given ?? expected + READ_MARGIN })
      ) {
        const key = recordKey(this.prefix, handle)
        const call: CheckCall = { handle, input, given }
        return this.#connection
          .send(['GET', key], key)
          .then((raw) => this.#judgeRead(call, raw as string | null))
      }
      return this.#checkScript({ handle, input, given })
    } catch (error) {
      return Promise.reject(error)
    }
  }

  async #unknownId(input: StoreCheckInput): Promise<StoreCheckResult> {
    return { outcome: 'unknown', now: input.now ?? (await this.time()) }
  }

  /** Judges a plain read in Node, or sends the check to the script when the read cannot decide it. */
  #judgeRead(call: CheckCall, raw: string | null): StoreCheckResult | Promise<StoreCheckResult> {
    const { handle, input, given } = call
    const at = this.#redisClock.local()
    const now = given ?? this.#redisClock.upperBound(at)
    const reported = given ?? this.#redisClock.lowerBound(at)
    if (now !== undefined && reported !== undefined) {
      // The same stored string parses to the same record: reuse the one parsed last time (frozen).
      const seen = this.#seen.get(handle)
      const cached = raw !== null && seen?.raw === raw ? seen.record : undefined
      const record = raw === null ? null : (cached ?? parseRecord(raw))
      const result = judgeRead({ record, input, now, reported })
      // Judged at the upper bound (no deadline can have passed unseen), but the `now` reported is the
      // lower one: the manager's clock follows it and must not run ahead of Redis's, or a watch would
      // fire — and, the store down, fail closed — before the session's deadline.
      if (result) {
        // Unchanged, the entry stays where it is: re-inserting it on every check (to forget the least
        // recently used first) cost more than the rare script run of a busy session forgotten early.
        if (result.outcome !== 'active') this.#seen.delete(handle)
        else if (record && raw !== null && !cached)
          this.#remember(handle, { c: record.c, s: record.s, raw, record })
        return result
      }
    }
    // The read came too close to a deadline (it took longer than READ_MARGIN), or the session moved on
    // elsewhere (a retired id past its grace): the script decides. Rare by construction.
    return this.#checkScript(call)
  }

  async #checkScript({ handle, input, given }: CheckCall): Promise<StoreCheckResult> {
    const keys = sessionKeys(this.prefix, handle)
    const reply = await this.#run<WireCheck>({
      keys: [keys.record, keys.index],
      args: [
        'check',
        this.#nowArg(given),
        input.id,
        input.activity ? '1' : '0',
        this.#policiesJson(input.policies),
        String(input.tombstoneTtl),
        input.renew?.successorId ?? '',
        input.renew?.nonce ?? '',
        String(this.#maxRetired),
      ],
    })
    if (reply.outcome !== 'active') return this.#learn(handle, reply, undefined)
    if ('record' in reply) {
      const result = {
        outcome: 'active',
        now: reply.now,
        touched: false,
        session: fromWire(reply.record.s),
      } as const
      return this.#learn(handle, result, reply.record.c)
    }
    const { session, current, ...rest } = reply
    return this.#learn(handle, { ...rest, session: fromWire(session) }, current)
  }

  async revoke(input: StoreRevokeInput): Promise<{
    now: number
    ended: StoredTombstone | null
    replicationShortfall?: ReplicationShortfall
  }> {
    const handle = input.handle ?? (input.id === undefined ? undefined : handleOfId(input.id))
    if (handle === undefined || handle.length < 6) {
      return { now: input.now ?? (await this.time()), ended: null }
    }
    const keys = sessionKeys(this.prefix, handle)
    const reply = await this.#run<{ now: number; ended?: StoredTombstone }>({
      keys: [keys.record, keys.index],
      args: [
        'revoke',
        this.#nowArg(input.now),
        input.handle ? '' : (input.id ?? ''),
        input.reason,
        String(input.tombstoneTtl),
      ],
    })
    if (reply.ended) this.#seen.delete(handle)
    const shortfall = await this.#replicated(keys.record)
    return { now: reply.now, ended: reply.ended ?? null, ...shortfall }
  }

  async revokeSubject(input: StoreRevokeSubjectInput): Promise<{
    now: number
    ended: StoredTombstone[]
    replicationShortfall?: ReplicationShortfall
  }> {
    const reply = await this.#bySubject<{ now: number; ended: StoredTombstone[] | Record<string, never> }>(
      input.subject,
      ['revokeSubject', this.#nowArg(input.now), input.subject, input.reason, String(input.tombstoneTtl)],
    )
    const ended = asArray(reply.ended)
    for (const tombstone of ended) this.#seen.delete(tombstone.handle)
    const shortfall = await this.#replicated(subjectKeys(this.prefix, input.subject).index)
    return { now: reply.now, ended, ...shortfall }
  }

  /**
   * Erases every record of a subject — live or ended, with its current and retired token ids — and its
   * index entries (GDPR Art. 17). Ended sessions have left the index, so the subject's hash tag is
   * scanned for them (`SCAN MATCH` on its slot: O(keys), fine for an erasure request); the erasure
   * itself is one script on that slot. What this process cached of the subject's sessions goes too.
   */
  async forgetSubject(input: { subject: string; now?: number }): Promise<{
    now: number
    forgotten: number
    replicationShortfall?: ReplicationShortfall
  }> {
    const keys = subjectKeys(this.prefix, input.subject)
    const records = new Set<string>()
    const handles = ((await this.#connection.send(['ZRANGE', keys.index, '0', '-1'], keys.index)) ??
      []) as string[]
    for (const handle of handles) records.add(keys.record(handle))
    const match = subjectRecordPattern(this.prefix, input.subject)
    for (const send of await this.#connection.masters()) {
      let cursor = '0'
      do {
        const [next, found] = (await send(['SCAN', cursor, 'MATCH', match, 'COUNT', '1000'])) as [
          string,
          string[],
        ]
        for (const key of found) records.add(key)
        cursor = String(next)
      } while (cursor !== '0')
    }
    const reply = await this.#run<{ now: number; forgotten: number }>({
      keys: [keys.index, ...records],
      args: ['forgetSubject', this.#nowArg(input.now), input.subject],
    })
    for (const [handle, seen] of this.#seen) if (seen.s.subject === input.subject) this.#seen.delete(handle)
    const shortfall = await this.#replicated(keys.index)
    return { now: reply.now, forgotten: reply.forgotten, ...shortfall }
  }

  async list(input: { subject: string; now?: number }): Promise<{ now: number; sessions: StoredSession[] }> {
    const reply = await this.#bySubject<{ now: number; sessions: WireSession[] | Record<string, never> }>(
      input.subject,
      ['list', this.#nowArg(input.now), input.subject],
    )
    return { now: reply.now, sessions: asArray(reply.sessions).map(fromWire) }
  }

  /**
   * Streams the live session records (tombstones skipped) with `SCAN` on every master (one node, or
   * each master of a cluster), one batch of about `count` keys in memory at a time. Meant for fleet-wide
   * audits such as drift detection (`manager.findDrift`): finding sessions created under a policy
   * fingerprint other than the one in force. Not atomic: records may change or expire while it runs,
   * and — Redis's `SCAN` guarantee — a record may be yielded more than once when the keyspace shrinks
   * during the walk (every record that lives throughout is yielded at least once).
   *
   * @example
   * for await (const session of store.scan({ count: 500 })) {
   *   if (session.fingerprint !== expected) drifted.push(session.handle)
   * }
   */
  async *scan(options: { count?: number } = {}): AsyncGenerator<StoredSession, void, undefined> {
    const count = String(Math.max(1, Math.floor(options.count ?? 100)))
    const match = recordPattern(this.prefix)
    for (const send of await this.#connection.masters()) {
      let cursor = '0'
      do {
        const [next, keys] = (await send(['SCAN', cursor, 'MATCH', match, 'COUNT', count])) as [
          string,
          string[],
        ]
        cursor = String(next)
        if (keys.length === 0) continue
        // One GET per key (the keys of a batch sit in many slots), sent together: the client pipelines.
        const raws = (await Promise.all(keys.map((key) => send(['GET', key], key)))) as Array<string | null>
        for (const raw of raws) {
          if (raw === null) continue // expired between SCAN and GET
          const record = JSON.parse(raw) as WireRecord
          if (!record.t) yield fromWire(record.s)
        }
      } while (cursor !== '0')
    }
  }

  /** The application owns the client; closing the store releases nothing of it. */
  async close(): Promise<void> {
    this.#seen.clear()
  }

  /**
   * With `waitForReplicas`: `WAIT` on the connection whose script wrote `key` (its first key), after
   * that script. Never throws — the write is done on the master whatever `WAIT` answers —: a shortfall
   * (or a failed `WAIT`: nothing confirmed) comes back as `replicationShortfall`.
   */
  async #replicated(key: string): Promise<{ replicationShortfall?: ReplicationShortfall }> {
    const wait = this.#wait
    if (!wait) return {}
    let replicas = 0
    try {
      replicas = Number(await this.#connection.sendBeside(wait.args, key))
    } catch {
      // Unconfirmed: reported below as 0 replicas.
    }
    return replicas >= wait.count ? {} : { replicationShortfall: { replicas, wanted: wait.count } }
  }

  /** Runs `list` / `revokeSubject` on the records the subject's index names, re-reading it if it grew. */
  async #bySubject<T extends { now: number }>(subject: string, args: string[]): Promise<T> {
    const index = subjectKeys(this.prefix, subject)
    for (let attempt = 0; attempt < MAX_INDEX_RETRIES; attempt++) {
      const handles = ((await this.#connection.send(['ZRANGE', index.index, '0', '-1'], index.index)) ??
        []) as string[]
      const reply = await this.#run<T & { retry?: boolean }>({
        keys: [index.index, ...handles.map(index.record)],
        args: [...args, ...handles],
      })
      if (!reply.retry) return reply
    }
    throw new CurfewError({
      code: 'store_unavailable',
      message: `RedisStore: the sessions of one subject kept changing during ${MAX_INDEX_RETRIES} attempts.`,
    })
  }

  async #run<T extends { now: number } | WireCheck>(call: { keys: string[]; args: string[] }): Promise<T> {
    const tail = [String(call.keys.length), ...call.keys, ...call.args]
    const key = call.keys[0]
    const sentAt = this.#redisClock.local()
    let reply: unknown
    try {
      reply = await this.#connection.send(['EVALSHA', SCRIPT_SHA, ...tail], key)
    } catch (error) {
      // After a restart, a failover or `SCRIPT FLUSH` the script cache is empty: EVAL sends (and
      // caches) it once.
      if (!isNoScript(error)) throw error
      reply = await this.#connection.send(['EVAL', SCRIPT, ...tail], key)
    }
    const result = JSON.parse(String(reply)) as T
    // A script that read `TIME` is a sample of Redis's clock (not one judged at a given `now`).
    if (call.args[1] === '') this.#redisClock.record(result.now, sentAt, this.#redisClock.local())
    return result
  }

  /** Remembers (or forgets) what a check showed of the session, and passes the result through. */
  #learn(handle: string, result: StoreCheckResult, current: string | undefined): StoreCheckResult {
    if (result.outcome === 'active' && current !== undefined) {
      this.#remember(handle, { c: current, s: result.session })
    } else if (result.outcome !== 'active') {
      this.#seen.delete(handle)
    }
    return result
  }

  #remember(handle: string, seen: Seen): void {
    this.#seen.delete(handle)
    this.#seen.set(handle, seen)
    if (this.#seen.size > SEEN_LIMIT) this.#seen.delete(this.#seen.keys().next().value as string)
  }

  #nowArg(now: number | undefined): string {
    const given = now ?? this.#clock?.()
    return given === undefined ? '' : String(given)
  }

  #handleOf(id: string): string {
    const handle = handleOfId(id)
    if (handle === undefined) {
      throw new CurfewError({
        code: 'invalid_option',
        message: 'RedisStore: a session id is "<handle>.<token digest>" (see hashToken).',
      })
    }
    return handle
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
}

/** Checks `waitForReplicas` and builds its `WAIT` command (a timeout of 0 would block forever). */
function waitOption(
  option: RedisStoreOptions['waitForReplicas'],
): { count: number; args: string[] } | undefined {
  if (option === undefined) return undefined
  const { count, timeout } = (option ?? {}) as { count?: unknown; timeout?: unknown }
  if (
    !Number.isInteger(count) ||
    (count as number) < 1 ||
    !Number.isInteger(timeout) ||
    (timeout as number) < 1
  ) {
    throw new CurfewError({
      code: 'invalid_option',
      message:
        'RedisStore: "waitForReplicas" is { count, timeout }: count ≥ 1 replicas, timeout ≥ 1 ms (whole numbers).',
    })
  }
  return { count: count as number, args: ['WAIT', String(count), String(timeout)] }
}

/** cjson encodes an empty Lua table as `{}`. */
function asArray<T>(value: T[] | Record<string, never> | undefined): T[] {
  return Array.isArray(value) ? value : []
}
