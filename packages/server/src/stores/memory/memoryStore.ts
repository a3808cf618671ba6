import { judgeLimits, renewalDue, shouldTouch } from '../judge'
import type {
  SessionStore,
  StoreCheckInput,
  StoreCheckResult,
  StoreCreateInput,
  StoredSession,
  StoredTombstone,
  StoreEndReason,
  StoreRevokeInput,
  StoreRevokeSubjectInput,
} from '../types'
import { DeadlineHeap } from './heap'

export interface MemoryStoreOptions {
  /**
   * The store's clock (epoch ms). When given, the store exposes it as `time()` and it decides every
   * deadline for all managers using this store (as Redis `TIME` does for `RedisStore`). Without it the
   * store judges by the `now` each manager passes, and sweeps by `Date.now`.
   */
  now?: () => number
  /** How often the background sweep runs (ms). The timer is `unref()`ed. Default 30 s; 0 disables it. */
  sweepInterval?: number
  /** Retired (renewed) token ids kept per session for grace and reuse detection. Default 8. */
  maxRetiredIds?: number
}

interface IdRef {
  readonly handle: string
  /** Set on a retired id: the id that replaced it. */
  successorId?: string
  nonce?: string
  graceUntil?: number
}

interface Entry {
  session: StoredSession
  currentId: string
  retired: string[]
  tombstone: StoredTombstone | null
  /** When the entry may be forgotten (deadline + tombstone TTL). */
  dropAt: number
  /** The deadline under which the entry is queued in the heap (Infinity when not queued). */
  queuedAt: number
}

// Expired entries found while serving a request are dropped in small batches so no request pays for a
// big backlog; the timer catches up with the rest.
const SWEEP_BUDGET_PER_CALL = 32
const SWEEP_BUDGET_PER_TICK = 10_000

let checkNow: (store: MemoryStore, input: StoreCheckInput) => StoreCheckResult

/**
 * The manager's fast path (internal, not exported by the package): a MemoryStore answers a check
 * synchronously, so the manager can call it without a promise or the store guard's timer (a call that
 * returns cannot hang; a throw is still a store failure). Only for a MemoryStore whose `check` is the
 * class's own: a subclass or a wrapper that overrides it keeps the asynchronous path.
 */
export function synchronousCheck(
  store: SessionStore,
): ((input: StoreCheckInput) => StoreCheckResult) | undefined {
  if (!(store instanceof MemoryStore) || store.check !== MemoryStore.prototype.check) return undefined
  return (input) => checkNow(store, input)
}

/**
 * The embedded single-process store (the default). O(1) work per check (plus O(log n) per expiry),
 * bounded memory per session, and expired entries dropped through a deadline heap — never by scanning
 * everything. Keeps only token hashes.
 *
 * @example
 * const manager = createSessionManager({ policy: presets.nistAal3, store: new MemoryStore() })
 */
export class MemoryStore implements SessionStore {
  readonly #sessions = new Map<string, Entry>()
  readonly #ids = new Map<string, IdRef>()
  readonly #subjects = new Map<string, Set<string>>()
  readonly #heap = new DeadlineHeap()
  readonly #clock: () => number
  readonly #maxRetired: number
  #timer: ReturnType<typeof setInterval> | undefined
  /** Present only when the store was given a clock; see {@link MemoryStoreOptions.now}. */
  readonly time?: () => Promise<number>

  constructor(options: MemoryStoreOptions = {}) {
    const clock = options.now ?? Date.now
    this.#clock = clock
    if (options.now) this.time = async () => clock()
    this.#maxRetired = Math.max(1, options.maxRetiredIds ?? 8)
    const interval = options.sweepInterval ?? 30_000
    if (interval > 0) {
      this.#timer = setInterval(() => this.sweep(), interval)
      this.#timer.unref?.()
    }
  }

  /** Number of sessions held (live and tombstones). */
  get size(): number {
    return this.#sessions.size
  }

  async create(input: StoreCreateInput): Promise<{ now: number }> {
    const now = input.now ?? this.#clock()
    this.#sweep(now, SWEEP_BUDGET_PER_CALL)
    const session: StoredSession = {
      ...input.session,
      // A private, frozen copy: the application cannot change a record behind the store's back.
      ...(input.session.data === undefined ? {} : { data: deepFreeze(structuredClone(input.session.data)) }),
    }
    const { expiresAt } = judgeLimits({ session, limits: input.limits, now })
    const entry: Entry = {
      session,
      currentId: input.id,
      retired: [],
      tombstone: null,
      dropAt: expiresAt + input.tombstoneTtl,
      queuedAt: Number.POSITIVE_INFINITY,
    }
    this.#sessions.set(session.handle, entry)
    this.#ids.set(input.id, { handle: session.handle })
    const handles = this.#subjects.get(session.subject) ?? new Set<string>()
    this.#subjects.set(session.subject, handles)
    handles.add(session.handle)
    this.#schedule(entry)
    return { now }
  }

  async check(input: StoreCheckInput): Promise<StoreCheckResult> {
    return this.#check(input)
  }

  static {
    checkNow = (store, input) => store.#check(input)
  }

  // `check` without the promise: the manager calls it directly (see `synchronousCheck`).
  #check(input: StoreCheckInput): StoreCheckResult {
    const now = input.now ?? this.#clock()
    this.#sweep(now, SWEEP_BUDGET_PER_CALL)
    const ref = this.#ids.get(input.id)
    const entry = ref && this.#sessions.get(ref.handle)
    if (!ref || !entry) return { outcome: 'unknown', now }
    if (entry.tombstone) {
      return {
        outcome: 'ended',
        now,
        reason: entry.tombstone.reason,
        tombstone: entry.tombstone,
        first: false,
      }
    }
    const ttl = input.tombstoneTtl
    const limits = input.policies[entry.session.policy]
    if (!limits) return this.#endFirst({ entry, reason: 'policy_changed', endedAt: now, now, ttl })
    const retired = ref.successorId !== undefined
    if (retired) {
      if (now >= (ref.graceUntil ?? 0)) {
        return this.#endFirst({ entry, reason: 'reuse_detected', endedAt: now, now, ttl })
      }
      if (entry.currentId !== ref.successorId) {
        const tombstone = { ...this.#tombstoneOf(entry, 'renewed'), endedAt: now }
        return { outcome: 'ended', now, reason: 'renewed', tombstone, first: false }
      }
    }
    const verdict = judgeLimits({ session: entry.session, limits, now })
    if (verdict.reason) {
      return this.#endFirst({ entry, reason: verdict.reason, endedAt: verdict.expiresAt, now, ttl })
    }
    let touched = false
    let renewal: { nonce: string; rotated: boolean } | undefined
    if (input.activity && shouldTouch({ session: entry.session, limits, now })) {
      entry.session = { ...entry.session, lastActivityAt: now }
      touched = true
    }
    if (retired) {
      renewal = { nonce: ref.nonce ?? '', rotated: false }
    } else if (input.activity && input.renew && renewalDue({ session: entry.session, limits, now })) {
      this.#rotate({ entry, ref, input, now, graceUntil: now + limits.renewGrace })
      renewal = { nonce: input.renew.nonce, rotated: true }
    }
    entry.dropAt = judgeLimits({ session: entry.session, limits, now }).expiresAt + ttl
    this.#schedule(entry)
    return { outcome: 'active', now, session: entry.session, touched, ...(renewal ? { renewal } : {}) }
  }

  async revoke(input: StoreRevokeInput): Promise<{ now: number; ended: StoredTombstone | null }> {
    const now = input.now ?? this.#clock()
    this.#sweep(now, SWEEP_BUDGET_PER_CALL)
    const handle = input.handle ?? (input.id === undefined ? undefined : this.#ids.get(input.id)?.handle)
    const entry = handle === undefined ? undefined : this.#sessions.get(handle)
    if (!entry || entry.tombstone) return { now, ended: null }
    return {
      now,
      ended: this.#end({ entry, reason: input.reason, endedAt: now, now, ttl: input.tombstoneTtl }),
    }
  }

  async revokeSubject(input: StoreRevokeSubjectInput): Promise<{ now: number; ended: StoredTombstone[] }> {
    const now = input.now ?? this.#clock()
    this.#sweep(now, SWEEP_BUDGET_PER_CALL)
    const ended: StoredTombstone[] = []
    for (const handle of [...(this.#subjects.get(input.subject) ?? [])]) {
      const entry = this.#sessions.get(handle)
      if (!entry || entry.tombstone) continue
      ended.push(this.#end({ entry, reason: input.reason, endedAt: now, now, ttl: input.tombstoneTtl }))
    }
    return { now, ended }
  }

  /** Erases every entry of a subject: records, tombstones, token ids and its index (GDPR Art. 17). */
  async forgetSubject(input: { subject: string; now?: number }): Promise<{ now: number; forgotten: number }> {
    const now = input.now ?? this.#clock()
    let forgotten = 0
    // Tombstones leave the subject index, so every entry is walked: O(n), fine for an erasure request.
    // Deleting from a Map while iterating it is safe.
    for (const entry of this.#sessions.values()) {
      if (entry.session.subject !== input.subject) continue
      // Its heap slot stays behind, holding only the handle, and is skipped when it comes due.
      this.#drop(entry)
      forgotten++
    }
    this.#subjects.delete(input.subject)
    return { now, forgotten }
  }

  async list(input: { subject: string; now?: number }): Promise<{ now: number; sessions: StoredSession[] }> {
    const now = input.now ?? this.#clock()
    const sessions: StoredSession[] = []
    for (const handle of this.#subjects.get(input.subject) ?? []) {
      const entry = this.#sessions.get(handle)
      if (entry && !entry.tombstone) sessions.push(entry.session)
    }
    return { now, sessions }
  }

  /**
   * Streams the live records (tombstones skipped), yielding the event loop after every `count`, so a
   * scan of a large store never blocks requests for long. Walks the store's map lazily: no copy.
   *
   * @example
   * for await (const session of store.scan({ count: 500 })) console.log(session.handle)
   */
  async *scan(options: { count?: number } = {}): AsyncGenerator<StoredSession, void, undefined> {
    const count = Math.max(1, Math.floor(options.count ?? 500))
    let read = 0
    // Deleting entries (the sweep) during Map iteration is safe; entries added meanwhile may be yielded.
    for (const entry of this.#sessions.values()) {
      if (!entry.tombstone) yield entry.session
      if (++read % count === 0) await yieldToEventLoop()
    }
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
  }

  /** Drops every entry whose deadline (plus tombstone TTL) has passed. Runs on the timer and on writes. */
  sweep(now: number = this.#clock()): number {
    return this.#sweep(now, SWEEP_BUDGET_PER_TICK)
  }

  /**
   * A plain copy of everything held, for debugging and tests. It contains token hashes and handles,
   * never a token.
   */
  dump(): { sessions: unknown[]; ids: Array<[string, unknown]> } {
    return structuredClone({
      sessions: [...this.#sessions.values()].map(({ session, currentId, retired, tombstone, dropAt }) => ({
        session,
        currentId,
        retired,
        tombstone,
        dropAt,
      })),
      ids: [...this.#ids.entries()],
    })
  }

  #rotate(options: { entry: Entry; ref: IdRef; input: StoreCheckInput; now: number; graceUntil: number }) {
    const { entry, ref, input, now, graceUntil } = options
    const renew = input.renew!
    ref.successorId = renew.successorId
    ref.nonce = renew.nonce
    ref.graceUntil = graceUntil
    entry.retired.push(input.id)
    while (entry.retired.length > this.#maxRetired) this.#ids.delete(entry.retired.shift()!)
    this.#ids.set(renew.successorId, { handle: entry.session.handle })
    entry.currentId = renew.successorId
    entry.session = { ...entry.session, renewedAt: now }
  }

  #endFirst(options: EndOptions): StoreCheckResult {
    const tombstone = this.#end(options)
    return { outcome: 'ended', now: options.now, reason: tombstone.reason, tombstone, first: true }
  }

  #end(options: EndOptions): StoredTombstone {
    const { entry, reason, endedAt, now, ttl } = options
    const tombstone = { ...this.#tombstoneOf(entry, reason), endedAt }
    entry.tombstone = tombstone
    // The record's data is no longer needed once it is a tombstone.
    entry.session = { ...entry.session, data: undefined }
    entry.dropAt = now + ttl
    this.#unindex(entry.session)
    this.#schedule(entry)
    return tombstone
  }

  #tombstoneOf(entry: Entry, reason: StoreEndReason): Omit<StoredTombstone, 'endedAt'> {
    const { handle, subject, policy, fingerprint } = entry.session
    return { handle, subject, policy, fingerprint, reason }
  }

  // One heap entry per session is enough: when it pops early (the deadline moved later), it is pushed
  // again at the new deadline. Only a move to an *earlier* deadline pushes an extra entry.
  #schedule(entry: Entry): void {
    if (entry.dropAt < entry.queuedAt) {
      entry.queuedAt = entry.dropAt
      this.#heap.push(entry.dropAt, entry.session.handle)
    }
  }

  #sweep(now: number, budget: number): number {
    let dropped = 0
    while (budget-- > 0 && this.#heap.peek() <= now) {
      const [deadline, handle] = this.#heap.pop()!
      const entry = this.#sessions.get(handle)
      if (!entry || entry.queuedAt !== deadline) continue
      entry.queuedAt = Number.POSITIVE_INFINITY
      if (entry.dropAt > now) {
        this.#schedule(entry)
        continue
      }
      this.#drop(entry)
      dropped++
    }
    return dropped
  }

  #drop(entry: Entry): void {
    const { handle, subject } = entry.session
    this.#sessions.delete(handle)
    this.#ids.delete(entry.currentId)
    for (const id of entry.retired) this.#ids.delete(id)
    this.#unindex({ handle, subject })
  }

  #unindex(session: { handle: string; subject: string }): void {
    const handles = this.#subjects.get(session.subject)
    handles?.delete(session.handle)
    if (handles?.size === 0) this.#subjects.delete(session.subject)
  }
}

interface EndOptions {
  entry: Entry
  reason: StoreEndReason
  endedAt: number
  now: number
  ttl: number
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve)
    else setTimeout(resolve, 0)
  })
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}
