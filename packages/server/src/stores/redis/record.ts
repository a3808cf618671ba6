import { judgeLimits, renewalDue, shouldTouch } from '../judge'
import type { StoreCheckInput, StoreCheckResult, StoredSession, StoredTombstone } from '../types'

/** A session record as stored (see `keys.ts`): `data` is a JSON string Lua never parses. */
export type WireSession = Omit<StoredSession, 'data'> & { data?: string }

export interface WireRecord {
  s: WireSession
  /** The current token id. */
  c: string
  /** Retired ids: successor, nonce, end of grace. */
  r?: Array<{ i: string; s: string; n?: string; g?: number }>
  t?: { reason: StoredTombstone['reason']; endedAt: number }
}

/**
 * A stored session as the store returns it: `data` parsed. `session` must be freshly parsed (it is
 * returned as it is when it has no `data`: a rest copy on every check cost more than the parse).
 */
export function fromWire(session: WireSession): StoredSession {
  if (session.data === undefined) return session as StoredSession
  const { data, ...rest } = session
  return { ...rest, data: JSON.parse(data) as Record<string, unknown> }
}

/**
 * A record as the plain-read path judges it: parsed once, its session in store shape (`data` parsed),
 * everything frozen — the store hands the same objects out again while the stored string is unchanged
 * (see `RedisStore`), so nothing may change them. `data` is deep-frozen, as MemoryStore's is.
 */
export interface ReadRecord {
  readonly s: StoredSession
  readonly c: string
  readonly r?: ReadonlyArray<Readonly<NonNullable<WireRecord['r']>[number]>>
  readonly t?: Readonly<NonNullable<WireRecord['t']>>
}

/** Parses a stored record (the string a `GET` returned) into a frozen {@link ReadRecord}. */
export function parseRecord(raw: string): ReadRecord {
  const record = JSON.parse(raw) as { s: WireSession | StoredSession } & Omit<WireRecord, 's'>
  const { s } = record
  if (typeof s.data === 'string') record.s = { ...s, data: deepFreeze(JSON.parse(s.data)) }
  Object.freeze(record.s)
  if (record.r) {
    for (const retired of record.r) Object.freeze(retired)
    Object.freeze(record.r)
  }
  if (record.t) Object.freeze(record.t)
  return Object.freeze(record) as ReadRecord
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}

export function toWire(session: StoredSession): WireSession {
  const { data, ...rest } = session
  return data === undefined ? rest : { ...rest, data: JSON.stringify(data) }
}

function tombstoneOf(
  record: ReadRecord,
  reason: StoredTombstone['reason'],
  endedAt: number,
): StoredTombstone {
  const { handle, subject, policy, fingerprint } = record.s
  return { handle, subject, policy, fingerprint, reason, endedAt }
}

/**
 * Judges a check from a plain read of the record, at `now` — an upper bound of Redis's clock when the
 * read was served (exact when the caller gave `now`). Returns the result only when the script would
 * have written nothing and answered the same at any instant up to `now`; `undefined` sends the check
 * to the script: a deadline reached (first expiry), activity to record, a renewal due, a tier no longer
 * configured, a retired id past its grace.
 */
export function judgeRead(options: {
  record: ReadRecord | null
  input: Pick<StoreCheckInput, 'id' | 'activity' | 'policies' | 'renew'>
  now: number
  /** The `now` the result reports, when not `now` (a lower bound of Redis's clock: see the store). */
  reported?: number
}): StoreCheckResult | undefined {
  const { record, input, now } = options
  const reported = options.reported ?? now
  if (record === null) return { outcome: 'unknown', now: reported }
  const retired = record.c === input.id ? undefined : record.r?.find((entry) => entry.i === input.id)
  if (record.c !== input.id && retired === undefined) return { outcome: 'unknown', now: reported }
  if (record.t) {
    const { reason, endedAt } = record.t
    return {
      outcome: 'ended',
      now: reported,
      reason,
      tombstone: tombstoneOf(record, reason, endedAt),
      first: false,
    }
  }
  const limits = input.policies[record.s.policy]
  if (!limits) return undefined
  if (retired) {
    if (now >= (retired.g ?? 0)) return undefined
    if (record.c !== retired.s) {
      return {
        outcome: 'ended',
        now: reported,
        reason: 'renewed',
        tombstone: tombstoneOf(record, 'renewed', now),
        first: false,
      }
    }
  }
  const session = record.s
  if (judgeLimits({ session, limits, now }).reason) return undefined
  if (input.activity && shouldTouch({ session, limits, now })) return undefined
  if (retired) {
    return {
      outcome: 'active',
      now: reported,
      session,
      touched: false,
      renewal: { nonce: retired.n ?? '', rotated: false },
    }
  }
  if (input.activity && input.renew && renewalDue({ session, limits, now })) return undefined
  return { outcome: 'active', now: reported, session, touched: false }
}

/**
 * Whether a plain read can be expected to decide a check, from what this process last saw of the
 * session: the id is current, and at `now` (an upper bound of Redis's clock when the read will be
 * served) no deadline is reached, no activity is due to be recorded and no renewal is due. What the
 * process last saw can only be older than the record (activity moves forward), so this errs towards
 * the script.
 */
export function readWillDo(options: {
  seen: { c: string; s: StoredSession } | undefined
  input: Pick<StoreCheckInput, 'id' | 'activity' | 'policies' | 'renew'>
  now: number
}): boolean {
  const { seen, input, now } = options
  if (!seen || seen.c !== input.id) return false
  const limits = input.policies[seen.s.policy]
  if (!limits) return false
  const session = seen.s
  if (judgeLimits({ session, limits, now }).reason) return false
  if (!input.activity) return true
  if (shouldTouch({ session, limits, now })) return false
  return !(input.renew && renewalDue({ session, limits, now }))
}
