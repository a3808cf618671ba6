import { deriveSuccessor, generateNonce, hashToken, isWellFormedToken } from '../crypto/token'
import type { CurfewMetrics } from '../metrics/metrics'
import { synchronousCheck } from '../stores/memory/memoryStore'
import type { SessionStore, StoreCheckInput, StoreCheckResult, StoredSession } from '../stores/types'
import type { RequestMeta, ValidateOptions, ValidateResult } from '../types'
import { type auditWith, endedEventType, sessionFields, tombstoneFields } from './auditEvents'
import type { createDriftReporter } from './drift'
import type { PolicySet } from './policies'
import { rejection, sessionInfo, sessionStatus } from './responses'
import type { StoreClock } from './storeClock'
import type { StoreGuard } from './storeGuard'

/** What one check needs from the manager. */
export interface CheckDependencies {
  store: SessionStore
  policies: PolicySet
  guard: StoreGuard
  clock: StoreClock
  tombstoneTtl: number
  unavailableStatus: 401 | 503
  metrics: CurfewMetrics | undefined
  audit: ReturnType<typeof auditWith>
  reportDrift: ReturnType<typeof createDriftReporter>
  auditActivity: boolean
}

const ignore = () => {}

/**
 * `validate` and `refresh`: one call to the store, then the answer and its audit events. The answer is
 * synchronous when the store's is (MemoryStore), else a promise: the HTTP adapters then skip the promise
 * and microtask turns a request would otherwise pay for an answer that was ready. Never throws (a store
 * failure is the `store_unavailable` refusal), though the promise of an async store call may reject.
 */
export type Check = (
  token: string | null | undefined,
  options: CheckOptions,
) => ValidateResult | Promise<ValidateResult>

/**
 * `validate`'s options, plus `refresh`, and the request's audit metadata as a function the HTTP layer
 * passes instead of `meta`: it reads the IP, path and user agent only when an audit event is written.
 */
export type CheckOptions = ValidateOptions & { refresh?: boolean; requestMeta?: () => RequestMeta }

/** The audit metadata of a check, built now (only an audit event asks). */
function metaOf(options: CheckOptions): RequestMeta | undefined {
  return options.meta ?? options.requestMeta?.()
}

/**
 * The manager's per-request decision: refuse a missing or malformed token without asking the store,
 * else one atomic `store.check` (activity, renewal), then audit what happened — an ended session once,
 * a rejection, a renewal, a refresh, policy drift — and build the status from the policy in force.
 * A store failure becomes the `store_unavailable` refusal (401 or 503 as configured), never a throw.
 *
 * @example
 * const check = createCheck({ store, policies, guard, clock, ... })
 * const result = await check(token, { activity: true }) // awaited: a plain value when the store was synchronous
 */
export function createCheck(deps: CheckDependencies): Check {
  const { store, policies, guard, clock, tombstoneTtl, unavailableStatus, metrics, audit, reportDrift } = deps
  const { now, inputTime, learn } = clock
  // A MemoryStore answers synchronously: no promise and no timeout to arm for it.
  const checkNow = synchronousCheck(store)
  const auditActivity = deps.auditActivity
  const fromTombstone = tombstoneFields
  const fromSession = (session: StoredSession) => sessionFields(session, policies.byName)
  return function check(token, opts) {
    if (token === undefined || token === null || token === '') {
      return rejection({ reason: 'missing', now: now() })
    }
    if (!isWellFormedToken(token)) {
      const time = now()
      audit({ type: 'session.rejected', time, reason: 'malformed', meta: metaOf(opts) })
      return rejection({ reason: 'malformed', now: time })
    }
    const activity = opts.activity ?? true
    let renew: { successorId: string; nonce: string } | undefined
    if (activity && policies.renews && opts.renew !== false) {
      const nonce = generateNonce()
      renew = { nonce, successorId: hashToken(deriveSuccessor({ token, nonce })) }
    }
    const started = metrics ? performance.now() : 0
    // Built in place (no spreads): the same keys, in the same order, as the contract documents.
    const input: { -readonly [K in keyof StoreCheckInput]: StoreCheckInput[K] } = {
      id: hashToken(token),
      activity,
      policies: policies.limits,
      tombstoneTtl,
    }
    if (renew) input.renew = renew
    const time = inputTime()
    if (time !== undefined) input.now = time
    if (checkNow) {
      let result: StoreCheckResult
      try {
        result = guard.sync(checkNow, input)
      } catch {
        return storeFailed(started)
      }
      metrics?.checkDuration(performance.now() - started, result.outcome)
      return answer(token, opts, result)
    }
    let call: Promise<StoreCheckResult> | undefined
    let pending: Promise<StoreCheckResult>
    try {
      pending = guard(() => (call = store.check(input)), input)
    } catch {
      return storeFailed(started)
    }
    return pending.then(
      (result) => {
        metrics?.checkDuration(performance.now() - started, result.outcome)
        return answer(token, opts, result)
      },
      () => {
        // A call abandoned at storeTimeout may still reach the store and end the session there; no
        // later call will report that end as its own, so it is audited when the answer lands.
        call?.then((late) => {
          if (late.outcome === 'ended' && endedEventType(late) !== 'session.rejected') auditEnd(late, opts)
        }, ignore)
        return storeFailed(started)
      },
    )
  }

  function storeFailed(started: number): ValidateResult {
    metrics?.checkDuration(performance.now() - started, 'error')
    return rejection({ reason: 'store_unavailable', now: now(), unavailableStatus })
  }

  function auditEnd(result: Extract<StoreCheckResult, { outcome: 'ended' }>, opts: CheckOptions): void {
    audit({
      type: endedEventType(result),
      time: result.now,
      ...fromTombstone(result.tombstone),
      reason: result.reason,
      meta: metaOf(opts),
    })
  }

  /** The answer to a store result, and its audit events. */
  function answer(token: string, opts: CheckOptions, result: StoreCheckResult): ValidateResult {
    learn(result.now)
    if (result.outcome === 'unknown') {
      audit({ type: 'session.rejected', time: result.now, reason: 'unknown', meta: metaOf(opts) })
      return rejection({ reason: 'unknown', now: result.now })
    }
    if (result.outcome === 'ended') {
      auditEnd(result, opts)
      return rejection({ reason: result.reason, now: result.now })
    }
    const policy = policies.byName.get(result.session.policy)
    // A conforming store never answers active for a tier it was not given; refuse rather than guess.
    if (!policy) return rejection({ reason: 'policy_changed', now: result.now })
    if (result.session.fingerprint !== policy.fingerprint) {
      reportDrift({
        from: result.session.fingerprint,
        to: policy.fingerprint,
        time: result.now,
        session: result.session.handle,
        subject: result.session.subject,
        policy: policy.name,
        meta: metaOf(opts),
      })
    }
    const status = sessionStatus({ session: result.session, policy, now: result.now })
    if (auditActivity && result.touched) {
      audit({
        type: 'session.activity',
        time: result.now,
        ...fromSession(result.session),
        meta: metaOf(opts),
      })
    }
    const successor = result.renewal ? deriveSuccessor({ token, nonce: result.renewal.nonce }) : undefined
    if (result.renewal?.rotated) {
      audit({ type: 'session.renewed', time: result.now, ...fromSession(result.session), meta: metaOf(opts) })
    }
    if (opts.refresh) {
      audit({
        type: 'session.refreshed',
        time: result.now,
        ...fromSession(result.session),
        meta: metaOf(opts),
      })
    }
    const session = sessionInfo(result.session)
    return successor === undefined
      ? { ok: true as const, session, status }
      : { ok: true as const, session, status, token: successor }
  }
}

/** A check's answer as the promise `validate` promises, a throw included (as a rejection). */
export function settle(
  check: Check,
  token: string | null | undefined,
  options: Parameters<Check>[1],
): Promise<ValidateResult> {
  try {
    return Promise.resolve(check(token, options))
  } catch (error) {
    return Promise.reject(error)
  }
}
