import { CurfewError, evaluateSession } from '@curfew/core'
import type { SessionStore, StoredSession } from '../stores/types'
import type { ResolvedPolicy } from '../types'

/**
 * Why a stored session is out of line with the policy in force:
 * - `unknown_policy`: its tier is no longer configured;
 * - `over_absolute` / `over_idle`: it was minted under another policy fingerprint and, judged by its
 *   tier's current limits, its absolute / idle deadline has passed — a record a tightening left behind
 *   that the store still holds as live;
 * - `fingerprint`: minted under another fingerprint of its tier, still within the current limits.
 */
export type DriftReason = 'fingerprint' | 'unknown_policy' | 'over_idle' | 'over_absolute'

/** One drifted session, as `findDrift` reports it. Carries the handle, never a token. */
export interface DriftedSession {
  readonly handle: string
  readonly subject: string
  /** The session's tier. */
  readonly policy: string
  /** The fingerprint the session was minted under. */
  readonly fingerprint: string
  /** The tier's current fingerprint, `null` when the tier is gone. */
  readonly currentFingerprint: string | null
  readonly reason: DriftReason
  readonly authTime: number
  readonly lastActivityAt: number
  /** The deadline under the current policy (`null` when the tier is gone). */
  readonly expiresAt: number | null
}

/** Options of `manager.findDrift`. */
export interface FindDriftOptions {
  /** End every reported session with reason `policy_changed` (audited as `session.revoked`). */
  fix?: boolean
  /** Records read per store round trip (SCAN `COUNT` on Redis), and revocations in flight. Default 500. */
  batch?: number
  /** Most sessions listed in `drifted` (all are counted). Default 1000. */
  limit?: number
  /** Only these reasons are reported (and fixed). Default: all four. */
  reasons?: readonly DriftReason[]
  /** Called for every drifted session found, including those beyond `limit`. */
  onDrift?: (session: DriftedSession) => void
}

/** What `manager.findDrift` found. */
export interface DriftReport {
  /**
   * Live records read. On Redis, `SCAN` may hand a record back twice when the keyspace shrinks during
   * the walk, so `scanned`, `found` and `byReason` are then upper bounds; `fixed` stays exact.
   */
  scanned: number
  /** Drifted sessions found (may exceed `drifted.length`). */
  found: number
  byReason: Record<DriftReason, number>
  /** The first `limit` drifted sessions. */
  drifted: DriftedSession[]
  /** True when `found > drifted.length`. */
  truncated: boolean
  /** Sessions this call ended (`fix: true`); a session ended meanwhile by a request is not counted. */
  fixed: number
  /** The time (epoch ms, deciding clock) the sessions were judged at. */
  now: number
  durationMs: number
}

const ALL_REASONS: readonly DriftReason[] = ['fingerprint', 'unknown_policy', 'over_idle', 'over_absolute']

/**
 * Classifies one stored record against the tiers in force at `now`; `null` when it is in line. The
 * rule `findDrift` applies to each record (exported for tools such as `curfew sessions --drift`).
 *
 * @example
 * const drift = classifyDrift({ session, policies: manager.policies, now: Date.now() })
 * if (drift) console.log(drift.handle, drift.reason)
 */
export function classifyDrift(options: {
  session: StoredSession
  policies: ReadonlyMap<string, ResolvedPolicy>
  now: number
}): DriftedSession | null {
  const { session, policies, now } = options
  const policy = policies.get(session.policy)
  const base = {
    handle: session.handle,
    subject: session.subject,
    policy: session.policy,
    fingerprint: session.fingerprint,
    authTime: session.authTime,
    lastActivityAt: session.lastActivityAt,
  }
  if (!policy) return { ...base, currentFingerprint: null, reason: 'unknown_policy', expiresAt: null }
  // A record minted under the current fingerprint that is past a deadline simply expired: its next
  // check ends it with its real reason (idle/absolute) and the store drops it. Not drift.
  if (session.fingerprint === policy.fingerprint) return null
  // The deadline math every check uses (a per-session notAfter included).
  const { absoluteExpiresAt, idleExpiresAt } = evaluateSession(session, policy, now)
  const reason: DriftReason =
    now >= absoluteExpiresAt ? 'over_absolute' : now >= idleExpiresAt ? 'over_idle' : 'fingerprint'
  return {
    ...base,
    currentFingerprint: policy.fingerprint,
    reason,
    expiresAt: Math.min(absoluteExpiresAt, idleExpiresAt),
  }
}

/**
 * Streams the store's live records and reports the drifted ones. Memory stays bounded by `batch`
 * (records in flight) plus `limit` (sessions listed), whatever the store's size.
 */
export async function findDrift(context: {
  store: SessionStore
  policies: ReadonlyMap<string, ResolvedPolicy>
  now: number
  options: FindDriftOptions
  revoke: (handle: string) => Promise<boolean>
}): Promise<DriftReport> {
  const { store, policies, now, options, revoke } = context
  const started = performance.now()
  if (typeof store.scan !== 'function') {
    throw new CurfewError({
      code: 'invalid_option',
      message:
        'findDrift needs a store that can list its sessions: this store has no scan() (MemoryStore and RedisStore have one).',
    })
  }
  const batch = Math.max(1, Math.floor(options.batch ?? 500))
  const limit = Math.max(0, Math.floor(options.limit ?? 1000))
  const reasons = new Set(options.reasons ?? ALL_REASONS)
  const byReason: Record<DriftReason, number> = {
    fingerprint: 0,
    unknown_policy: 0,
    over_idle: 0,
    over_absolute: 0,
  }
  const drifted: DriftedSession[] = []
  let scanned = 0
  let found = 0
  let fixed = 0
  let pending: Array<Promise<boolean>> = []
  const settle = async () => {
    const ended = await Promise.all(pending)
    pending = []
    fixed += ended.filter(Boolean).length
  }
  for await (const session of store.scan({ count: batch })) {
    scanned++
    const drift = classifyDrift({ session, policies, now })
    if (!drift || !reasons.has(drift.reason)) continue
    found++
    byReason[drift.reason]++
    if (drifted.length < limit) drifted.push(drift)
    options.onDrift?.(drift)
    if (options.fix) {
      pending.push(revoke(drift.handle))
      if (pending.length >= batch) await settle()
    }
  }
  await settle()
  return {
    scanned,
    found,
    byReason,
    drifted,
    truncated: found > drifted.length,
    fixed,
    now,
    durationMs: Math.round(performance.now() - started),
  }
}
