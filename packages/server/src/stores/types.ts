import type { ExpiryReason } from '@curfew/core'
import type { EndNoticeChannel } from '../watch/types'

/**
 * The `SessionStore` contract: what a store must do so that `createSessionManager` can decide on it.
 *
 * Written for store authors. The rules that matter:
 *
 * - **Keys are token hashes.** `id` is SHA-256(token) in base64url; a store never sees a token. The
 *   session itself is named by its `handle` (non-secret, short). A session has one current id and a few
 *   retired ids (after renewal) that point at it.
 * - **One call = one atomic step.** `check` loads the record, judges it (ended → absolute → idle) with
 *   the limits of its tier passed in the call, records throttled activity, rotates the token when due,
 *   and writes a tombstone when it finds the session over. A networked store does all of this in ONE
 *   round trip (for Redis: one `EVALSHA` of a Lua script). The manager never reads-then-writes.
 * - **The current policy rules.** `check` receives the limits of every tier in force now
 *   (`policies`), looks up the record's tier there, and judges by those numbers — not by anything
 *   stored at creation. A tier missing from `policies` ends the session with reason `policy_changed`.
 * - **Exactly-once expiry.** When a call is the one that turns a live session into a tombstone it
 *   reports `first: true`; every later call (on any server) sees the tombstone and reports
 *   `first: false`. The manager audits `session.expired` / `session.revoked` only on `first`.
 * - **Tombstones.** An ended session stays readable as a tombstone for `tombstoneTtl` ms so a late
 *   request learns "expired: idle" rather than "unknown". A store may also let live records expire by
 *   themselves at `expiresAt + tombstoneTtl` (computed with the limits of the last write): a request in
 *   that window is judged expired with its reason. Loosening a policy can therefore not revive a record
 *   the store has already dropped — the safe direction.
 * - **Time.** A store that implements `time()` has a clock, and that clock decides: the manager then
 *   omits `now` from every input and the store judges by its own clock (e.g. Redis `TIME` inside the
 *   script), so servers whose clocks disagree still agree on every deadline. A store without `time()`
 *   always receives `now` (epoch ms) from the manager. Every result reports the `now` it judged at; the
 *   manager uses it for `serverTime` and to correct its own `now()`. A store that judges at a bound of
 *   its clock rather than a reading (the Redis store's plain read) reports a `now` not ahead of its
 *   clock: the manager's `now()` must never run ahead of the deciding clock, or a watch would end a
 *   session before its deadline when the store cannot answer. Honour `now` whenever it is given
 *   (the conformance suite drives time that way).
 * - **Throttling** (`touchInterval`): activity is written only when `now - lastActivityAt >=
 *   max(touchInterval, 1)`; the recorded activity may lag, so a session can end early, never late.
 *   `lastActivityAt` never moves backwards and activity never moves `authTime`.
 * - **Bounded memory per session**: a store keeps at most a small fixed number of retired ids
 *   (recommended 8); older ones may be forgotten (they then answer `unknown`).
 * - **Errors**: reject the promise (the manager applies its timeout and `onStoreError`). Never resolve
 *   with partial results.
 *
 * Run `describeSessionStore(name, makeStore)` from `src/stores/__tests__/conformance.ts` against a new
 * store: it is the executable form of this contract.
 */

/** The numbers of one policy tier that a store needs to judge a session (all milliseconds). */
export interface StoreLimits {
  readonly idleTimeout: number
  readonly absoluteTimeout: number
  /** Minimum gap between two recorded activities; `0` records every one. */
  readonly touchInterval: number
  /** Rotate the token when `now >= renewedAt + renewEvery`; `0` = renewal off. */
  readonly renewEvery: number
  /** How long a retired token keeps working after rotation. */
  readonly renewGrace: number
}

/** The session record a store keeps. Contains no token and nothing that can be used as one. */
export interface StoredSession {
  /** Non-secret short handle; the session's stable name across renewals. */
  readonly handle: string
  readonly subject: string
  /** Policy tier name. */
  readonly policy: string
  /** Fingerprint of the policy at creation (drift detection only; judging uses the current limits). */
  readonly fingerprint: string
  readonly authTime: number
  readonly createdAt: number
  readonly lastActivityAt: number
  /** When the current token was issued (creation or last rotation). */
  readonly renewedAt: number
  /**
   * This session's own cap (epoch ms), if any: the absolute deadline is `min(authTime + absoluteTimeout,
   * notAfter)` (see `judgeLimits`). Set at creation, never moved.
   */
  readonly notAfter?: number
  readonly data?: Record<string, unknown>
}

/** Why a session (or one token of it) no longer works, as a store reports it. */
export type StoreEndReason = Extract<
  ExpiryReason,
  | 'idle'
  | 'absolute'
  | 'revoked'
  | 'logout'
  | 'renewed'
  | 'reuse_detected'
  | 'policy_changed'
  | 'idp_logout'
  | 'idp_session_ended'
>

/** What remains of an ended session: enough for the reason and the audit trail. */
export interface StoredTombstone {
  readonly handle: string
  readonly subject: string
  readonly policy: string
  readonly fingerprint: string
  readonly reason: StoreEndReason
  readonly endedAt: number
}

export interface StoreCreateInput {
  /** SHA-256(token), base64url. */
  readonly id: string
  readonly session: StoredSession
  /** Limits of the session's tier, to compute when the record may be dropped. */
  readonly limits: StoreLimits
  readonly tombstoneTtl: number
  readonly now?: number
}

export interface StoreCheckInput {
  /** SHA-256(token), base64url. */
  readonly id: string
  /** Record activity (throttled) if the session is live. Passive checks pass `false`. */
  readonly activity: boolean
  /** Limits of every tier in force now, by name. */
  readonly policies: Readonly<Record<string, StoreLimits>>
  /**
   * A prepared successor, used only when `activity` is true and the tier's `renewEvery` is due:
   * the store makes `successorId` the session's current id, keeps `id` as a retired id pointing at it
   * with `nonce` until `now + renewGrace` (and, for reuse detection, until the session ends).
   */
  readonly renew?: { readonly successorId: string; readonly nonce: string }
  readonly tombstoneTtl: number
  readonly now?: number
}

/**
 * The outcome of one check.
 * - `active`: the session lives; `session` is the record after this call (activity recorded if
 *   `touched`). `renewal` is set when the presented token is retired (within grace) or was just
 *   rotated: the manager derives the successor token from the presented token and `nonce`.
 * - `ended`: the token no longer works. `first` is true for exactly one call per session end (the one
 *   that wrote the tombstone). A retired token presented after its grace window ends the session as
 *   `reuse_detected` (a stolen copy may be in use). `renewed` means a retired token was presented
 *   within its grace window after the session had already rotated past its successor: the token is
 *   refused, but the session lives on (not a session end; `first` is false).
 * - `unknown`: no such id (never existed, or forgotten).
 */
export type StoreCheckResult =
  | {
      readonly outcome: 'active'
      readonly now: number
      readonly session: StoredSession
      readonly touched: boolean
      readonly renewal?: { readonly nonce: string; readonly rotated: boolean }
    }
  | {
      readonly outcome: 'ended'
      readonly now: number
      readonly reason: StoreEndReason
      readonly tombstone: StoredTombstone
      readonly first: boolean
    }
  | { readonly outcome: 'unknown'; readonly now: number }

export interface StoreRevokeInput {
  /** Either the token hash (current or retired id) or the handle. */
  readonly id?: string
  readonly handle?: string
  readonly reason: Extract<
    StoreEndReason,
    'revoked' | 'logout' | 'reuse_detected' | 'policy_changed' | 'idp_logout' | 'idp_session_ended'
  >
  readonly tombstoneTtl: number
  readonly now?: number
}

/**
 * A write the store made but could not confirm on as many replicas as it was asked to wait for (e.g.
 * RedisStore's `waitForReplicas`): it happened on the primary, and a failover before it reaches a
 * replica may undo it. `replicas` acknowledged it within the timeout; `wanted` were asked for.
 */
export interface ReplicationShortfall {
  readonly replicas: number
  readonly wanted: number
}

export interface StoreRevokeSubjectInput {
  readonly subject: string
  readonly reason: StoreRevokeInput['reason']
  readonly tombstoneTtl: number
  readonly now?: number
}

/**
 * A session store. Implement every method; `scan`, `time` and `close` are optional.
 *
 * @example
 * class MyStore implements SessionStore {
 *   async create(input) { ... return { now } }
 *   async check(input) { ... } // one atomic step, one round trip
 *   ...
 * }
 * const manager = createSessionManager({ policy, store: new MyStore() })
 */
/**
 * What a store call is about, so a sharded store can name the part of itself that served it: the
 * session's id or handle, or the subject. `undefined` for a call about nothing in particular (`time`).
 */
export interface StoreRoute {
  readonly id?: string
  readonly handle?: string
  readonly subject?: string
}

/**
 * One part of a store that fails on its own (a Redis Cluster shard). `shard` is stable across a
 * failover (a master's slot ranges, e.g. `'0-5460'`); `node` is the server that holds it now.
 */
export interface StoreFailureDomain {
  readonly shard: string
  readonly node: string
}

export interface SessionStore {
  /** Stores a new session under `id`. Ids are fresh random hashes; overwrite is never needed. */
  create(input: StoreCreateInput): Promise<{ now: number }>
  /** The per-request step; see {@link StoreCheckInput} and {@link StoreCheckResult}. */
  check(input: StoreCheckInput): Promise<StoreCheckResult>
  /**
   * Ends one session (found by id — current or retired — or by handle), writing a tombstone.
   * `ended` is the tombstone when THIS call ended a live session, else `null` (already ended/unknown).
   */
  revoke(input: StoreRevokeInput): Promise<{
    now: number
    ended: StoredTombstone | null
    /** Optional: the end was not confirmed on the replicas the store was asked to wait for. */
    replicationShortfall?: ReplicationShortfall
  }>
  /** Ends every live session of a subject; returns the tombstones this call wrote. */
  revokeSubject(input: StoreRevokeSubjectInput): Promise<{
    now: number
    ended: StoredTombstone[]
    replicationShortfall?: ReplicationShortfall
  }>
  /**
   * Optional (needed by `manager.forgetSubject`): erases everything held for a subject — live records,
   * tombstones, current and retired token ids, the subject index — so nothing of it remains. Resolves
   * how many sessions were erased.
   */
  forgetSubject?(input: {
    readonly subject: string
    readonly now?: number
  }): Promise<{ now: number; forgotten: number; replicationShortfall?: ReplicationShortfall }>
  /** Records of a subject not yet ended by a tombstone (the manager judges them against the policy). */
  list(input: { readonly subject: string; readonly now?: number }): Promise<{
    now: number
    sessions: StoredSession[]
  }>
  /**
   * Optional: streams every live record (tombstones skipped), reading about `count` at a time, so a
   * fleet-wide audit (`manager.findDrift`) runs in bounded memory however many sessions there are. Not
   * atomic: records may change, end or expire while it runs; a record live throughout is yielded once
   * (a record may be yielded twice, e.g. while Redis rehashes — consumers must tolerate that). Stores
   * without it still work everywhere except `findDrift`.
   *
   * @example
   * for await (const session of store.scan({ count: 500 })) console.log(session.handle)
   */
  scan?(options?: { count?: number }): AsyncIterable<StoredSession>
  /** The store's clock (epoch ms). When present it decides: the manager passes no `now` to the store. */
  time?(): Promise<number>
  /**
   * Optional, for stores split into parts that fail on their own (a Redis Cluster): the part a call on
   * `route` goes to, so the manager audits one outage per part (`store.unavailable` / `store.recovered`
   * with `meta.shard`) instead of one for the whole store. `undefined`: the whole store (one node).
   * `null`: the call goes to no part in particular (e.g. `TIME` on any node) and opens or ends no
   * outage. Only asked when a call failed or an outage is open, never on the common path.
   */
  failureDomain?(route: StoreRoute | undefined): StoreFailureDomain | null | undefined
  /** Releases timers and connections the store owns. */
  close?(): Promise<void>
  /**
   * Optional: the fleet channel on which managers tell each other that a session ended (for
   * `manager.watch`). Without it, managers on the same store object hear each other in-process only.
   */
  endNotices?(): EndNoticeChannel | undefined
}
