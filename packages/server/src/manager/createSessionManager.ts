import { CurfewError, type PolicyDocument, parseDuration } from '@curfew/core'
import { type AuditEvent, connectionClosedEvent } from '../audit/events'
import { hashToken, isWellFormedHandle, isWellFormedToken } from '../crypto/token'
import { createMetrics } from '../metrics/metrics'
import { MemoryStore } from '../stores/memory/memoryStore'
import type { ReplicationShortfall, SessionStore, StoredTombstone } from '../stores/types'
import type { RevokeReason, SessionInfo, SessionManager, ValidateResult } from '../types'
import { localEndChannel } from '../watch/localChannel'
import { createWatchHub } from '../watch/watchHub'
import { createManagerTokenIssuer, createManagerTokenVerifier } from './accessTokens'
import { auditWith, shortfallMeta, tombstoneFields } from './auditEvents'
import { managerAudit } from './auditWiring'
import { createCheck, settle } from './check'
import { enforceCompliance } from './compliance'
import { createSessionCreator } from './create'
import { createDriftReporter } from './drift'
import { findDrift } from './findDrift'
import { createForgetSubject } from './forgetSubject'
import { withLateAnswer } from './lateAnswer'
import type { SessionManagerOptions } from './options'
import { policyDocument, resolvePolicies } from './policies'
import { sessionInfo, sessionStatus } from './responses'
import { createStoreClock } from './storeClock'
import { createStoreGuard } from './storeGuard'
import { registerCheck } from './validateNow'

const DEFAULT_TOMBSTONE_TTL = 10 * 60_000

function invalid(message: string): never {
  throw new CurfewError({ code: 'invalid_option', message })
}

/**
 * Creates the session manager: the authoritative cut-off for idle and absolute timeouts.
 *
 * @example
 * const manager = createSessionManager({ policy: { idleTimeout: '15m', absoluteTimeout: '12h' } })
 * const { token } = await manager.create({ subject: 'user-42' })
 * const result = await manager.validate(token)
 * if (!result.ok) res.status(result.httpStatus).set('WWW-Authenticate', result.wwwAuthenticate).json(result.body)
 */
export function createSessionManager(options: SessionManagerOptions): SessionManager {
  if (typeof options !== 'object' || options === null)
    invalid('createSessionManager expects an options object.')
  const policies = resolvePolicies(options)
  // Before anything is allocated: a non-compliant configuration must not start.
  const compliance = enforceCompliance({ policies: policies.byName, rules: options.compliance })
  const injectedNow = options.now
  const ownsStore = options.store === undefined
  const store: SessionStore = options.store ?? new MemoryStore(injectedNow ? { now: injectedNow } : {})
  const tombstoneTtl = options.tombstoneTtl ?? DEFAULT_TOMBSTONE_TTL
  const storeTimeout = options.storeTimeout ?? 2000
  if (!(storeTimeout > 0)) invalid('"storeTimeout" must be a positive number of milliseconds.')
  if (!(tombstoneTtl >= 0)) invalid('"tombstoneTtl" must be zero or more milliseconds.')
  const unavailableStatus = options.onStoreError === 'unavailable' ? 503 : 401
  const metrics = createMetrics(options.metrics)
  // Every audited session end (whatever path revoked or expired it) also ends its watches, fleet-wide.
  const endSink = (event: AuditEvent) => watches.sink(event)
  const { emit, flush: flushAudit } = managerAudit(options, metrics, [endSink])
  const auditActivity = options.auditActivity === true
  const driftInterval = parseDuration(options.driftInterval ?? '1h')
  const clock = createStoreClock({ store, now: injectedNow })
  const { now, inputNow, learn } = clock
  const guard = createStoreGuard({
    timeout: storeTimeout,
    now,
    emit,
    onError: metrics && ((code, shard) => metrics.storeError(code, shard)),
    domainOf: store.failureDomain?.bind(store),
  })
  const reportDrift = createDriftReporter({ interval: driftInterval, emit })
  const issueToken = createManagerTokenIssuer({ tokens: options.tokens, now, policies: policies.byName })
  const verifyToken = createManagerTokenVerifier({
    tokens: options.tokens,
    now,
    policies: policies.byName,
    onDrift: reportDrift,
  })

  const watches = createWatchHub({
    limits: policies.limits,
    now,
    channel: store.endNotices?.() ?? localEndChannel(store),
    readSessions: async (subject) => {
      const result = await guard(() => store.list({ subject, ...inputNow() }), { subject })
      learn(result.now)
      return result
    },
    // A connection cut at its session's end is evidence too: one connection.closed per cut-off.
    onCutOff: ({ session, reason, transport, time }) =>
      emit(
        connectionClosedEvent({
          time,
          session: session.handle,
          subject: session.subject,
          policy: session.policy,
          reason,
          transport,
        }),
      ),
  })

  const audit = auditWith(emit)
  const check = createCheck({
    store,
    policies,
    guard,
    clock,
    tombstoneTtl,
    unavailableStatus,
    metrics,
    audit,
    reportDrift,
    auditActivity,
  })
  const create = createSessionCreator({ store, policies, guard, clock, tombstoneTtl, audit, auditActivity })
  const forgetSubject = createForgetSubject({
    store,
    guard,
    clock,
    tombstoneTtl,
    audit,
    emit,
    pseudonymised: options.auditPseudonymKey !== undefined,
  })

  // One session.revoked per session a revoke ended, also when its answer lands after storeTimeout.
  const revokedBy =
    (reason: RevokeReason) =>
    (result: {
      now: number
      ended: StoredTombstone | StoredTombstone[] | null
      replicationShortfall?: ReplicationShortfall
    }) => {
      // A revoke the store could not confirm on its replicas says so in each event's meta.
      const shortfall = shortfallMeta(result.replicationShortfall)
      for (const ended of [result.ended ?? []].flat())
        audit({ type: 'session.revoked', time: result.now, ...tombstoneFields(ended), reason, ...shortfall })
    }

  async function revokeWith(input: { id?: string; handle?: string; reason: RevokeReason }) {
    const audited = revokedBy(input.reason)
    const result = await withLateAnswer(
      (call) => guard(call, input),
      () => store.revoke({ ...input, tombstoneTtl, ...inputNow() }),
      audited,
    )
    learn(result.now)
    audited(result)
    return result.ended !== null
  }

  const manager: SessionManager = {
    policies: policies.byName,
    defaultPolicy: policies.defaultPolicy,
    compliance,

    create,

    validate(token, opts = {}) {
      return settle(check, token, opts)
    },

    refresh(token, opts = {}): Promise<ValidateResult> {
      return settle(check, token, {
        activity: true,
        refresh: true,
        ...(opts.meta ? { meta: opts.meta } : {}),
      })
    },

    async revoke(tokenOrHandle, reason = 'revoked') {
      if (isWellFormedToken(tokenOrHandle)) return revokeWith({ id: hashToken(tokenOrHandle), reason })
      if (isWellFormedHandle(tokenOrHandle)) return revokeWith({ handle: tokenOrHandle, reason })
      return false
    },

    async revokeSubject(subject, reason = 'revoked') {
      if (typeof subject !== 'string' || subject.length === 0) return 0
      const audited = revokedBy(reason)
      const result = await withLateAnswer(
        (call) => guard(call, { subject }),
        () => store.revokeSubject({ subject, reason, tombstoneTtl, ...inputNow() }),
        audited,
      )
      learn(result.now)
      audited(result)
      return result.ended.length
    },

    forgetSubject,

    async list(subject): Promise<SessionInfo[]> {
      if (typeof subject !== 'string' || subject.length === 0) return []
      const result = await guard(() => store.list({ subject, ...inputNow() }), { subject })
      learn(result.now)
      return result.sessions
        .filter((session) => {
          const policy = policies.byName.get(session.policy)
          return (
            policy !== undefined && sessionStatus({ session, policy, now: result.now }).state === 'active'
          )
        })
        .map(sessionInfo)
    },

    issueAccessToken(session) {
      return issueToken(session)
    },

    verifyAccessToken(jwt, opts) {
      return verifyToken(jwt, opts)
    },

    async findDrift(opts = {}) {
      const time = await clock.read(guard)
      return findDrift({
        store,
        policies: policies.byName,
        now: time,
        options: opts,
        revoke: (handle) => revokeWith({ handle, reason: 'policy_changed' }),
      })
    },

    policyDocument(): PolicyDocument {
      return policyDocument(policies, now())
    },

    now,

    watch(session, onEnd, watchOptions) {
      return watches.watch(session, onEnd, watchOptions)
    },

    async close() {
      await watches.close()
      // Events already handed to asynchronous or buffering sinks are delivered before the store goes.
      await flushAudit()
      if (ownsStore) await store.close?.()
    },
  }
  registerCheck(manager, check)
  return manager
}
