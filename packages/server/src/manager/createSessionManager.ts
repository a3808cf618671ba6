import { CurfewError, evaluateSession, type PolicyDocument, parseDuration } from '@curfew/core'
import { createAuditEmitter } from '../audit/emitter'
import type { AuditEvent } from '../audit/events'
import { pseudonymizingEmitter } from '../audit/pseudonymize'
import {
  deriveSuccessor,
  generateHandle,
  generateNonce,
  generateToken,
  hashToken,
  isWellFormedHandle,
  isWellFormedToken,
} from '../crypto/token'
import { createMetrics } from '../metrics/metrics'
import { MemoryStore } from '../stores/memory/memoryStore'
import type { SessionStore, StoreCheckResult, StoredSession, StoredTombstone } from '../stores/types'
import { createAccessTokenSigner } from '../tokens/issueAccessToken'
import type {
  CreatedSession,
  CreateSessionInput,
  RequestMeta,
  RevokeReason,
  SessionInfo,
  SessionManager,
  ValidateOptions,
  ValidateResult,
} from '../types'
import { localEndChannel } from '../watch/localChannel'
import { createWatchHub } from '../watch/watchHub'
import { createManagerTokenVerifier } from './accessTokens'
import { enforceCompliance } from './compliance'
import { createDriftReporter } from './drift'
import { findDrift } from './findDrift'
import type { SessionManagerOptions } from './options'
import { resolvePolicies } from './policies'
import { rejection, sessionInfo, sessionStatus } from './responses'
import { createStoreGuard } from './storeGuard'

const DEFAULT_TOMBSTONE_TTL = 10 * 60_000
// Ends someone decided (audited as `session.revoked`), as opposed to deadlines (`session.expired`).
const REVOKE_REASONS = new Set<string>([
  'revoked',
  'logout',
  'reuse_detected',
  'idp_logout',
  'idp_session_ended',
])
const MAX_DATA_BYTES = 8 * 1024
const MAX_SUBJECT_LENGTH = 512

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
  const sinks =
    options.audit === undefined ? [] : typeof options.audit === 'function' ? [options.audit] : options.audit
  // Every audited session end (whatever path revoked or expired it) also ends its watches, fleet-wide.
  const endSink = (event: AuditEvent) => watches.sink(event)
  const fanOut = createAuditEmitter({ audit: [...sinks, ...(metrics ? [metrics.sink] : []), endSink] })
  const emit =
    options.auditPseudonymKey === undefined
      ? fanOut
      : pseudonymizingEmitter({ key: options.auditPseudonymKey, emit: fanOut })
  const auditActivity = options.auditActivity === true
  const signer = options.tokens === undefined ? undefined : createAccessTokenSigner(options.tokens)
  const driftInterval = parseDuration(options.driftInterval ?? '1h')
  const storeHasClock = typeof store.time === 'function'

  // One clock decides for the fleet: a store with a clock (`time()`) judges every call by it, so servers
  // whose own clocks disagree still agree on every deadline. The manager keeps the offset the store
  // reports so `now()` stays synchronous and close to the deciding clock. Stores without a clock are
  // given the manager's (injected `now`, else `Date.now`).
  const localNow = injectedNow ?? Date.now
  let offset = 0
  const now = (): number => localNow() + offset
  const inputNow = (): number | undefined => (storeHasClock ? undefined : localNow())
  const learn = (storeNow: number): void => {
    if (storeHasClock) offset = storeNow - localNow()
  }
  const storeGuard = createStoreGuard({ timeout: storeTimeout, now, emit })
  const guard: typeof storeGuard = !metrics
    ? storeGuard
    : async (call) => {
        try {
          return await storeGuard(call)
        } catch (error) {
          metrics.storeError(error instanceof CurfewError ? error.code : 'store_unavailable')
          throw error
        }
      }
  const reportDrift = createDriftReporter({ interval: driftInterval, emit })
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
      const result = await guard(() => store.list({ subject, ...withNow(inputNow()) }))
      learn(result.now)
      return result
    },
  })

  const audit = (event: Omit<AuditEvent, 'meta'> & { meta?: RequestMeta | undefined }): void => {
    const { meta, ...rest } = event
    emit(meta === undefined ? rest : { ...rest, meta })
  }
  const fromTombstone = (t: StoredTombstone) => ({
    session: t.handle,
    subject: t.subject,
    policy: t.policy,
    fingerprint: t.fingerprint,
  })
  const fromSession = (s: StoredSession) => ({
    session: s.handle,
    subject: s.subject,
    policy: s.policy,
    fingerprint: policies.byName.get(s.policy)?.fingerprint ?? s.fingerprint,
  })

  async function check(token: string | null | undefined, opts: ValidateOptions & { refresh?: boolean }) {
    if (token === undefined || token === null || token === '') {
      return rejection({ reason: 'missing', now: now() })
    }
    if (!isWellFormedToken(token)) {
      const time = now()
      audit({ type: 'session.rejected', time, reason: 'malformed', meta: opts.meta })
      return rejection({ reason: 'malformed', now: time })
    }
    const activity = opts.activity ?? true
    let renew: { successorId: string; nonce: string } | undefined
    if (activity && policies.renews && opts.renew !== false) {
      const nonce = generateNonce()
      renew = { nonce, successorId: hashToken(deriveSuccessor({ token, nonce })) }
    }
    let result: StoreCheckResult
    const started = metrics ? performance.now() : 0
    try {
      result = await guard(() =>
        store.check({
          id: hashToken(token),
          activity,
          policies: policies.limits,
          tombstoneTtl,
          ...(renew ? { renew } : {}),
          ...withNow(inputNow()),
        }),
      )
    } catch {
      metrics?.checkDuration(performance.now() - started, 'error')
      return rejection({ reason: 'store_unavailable', now: now(), unavailableStatus })
    }
    metrics?.checkDuration(performance.now() - started, result.outcome)
    learn(result.now)
    if (result.outcome === 'unknown') {
      audit({ type: 'session.rejected', time: result.now, reason: 'unknown', meta: opts.meta })
      return rejection({ reason: 'unknown', now: result.now })
    }
    if (result.outcome === 'ended') {
      const ended = result.first && result.reason !== 'renewed'
      const revoked = REVOKE_REASONS.has(result.reason)
      audit({
        type: ended ? (revoked ? 'session.revoked' : 'session.expired') : 'session.rejected',
        time: result.now,
        ...fromTombstone(result.tombstone),
        reason: result.reason,
        meta: opts.meta,
      })
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
        meta: opts.meta,
      })
    }
    const status = sessionStatus({ session: result.session, policy, now: result.now })
    if (auditActivity && result.touched) {
      audit({ type: 'session.activity', time: result.now, ...fromSession(result.session), meta: opts.meta })
    }
    const successor = result.renewal ? deriveSuccessor({ token, nonce: result.renewal.nonce }) : undefined
    if (result.renewal?.rotated) {
      audit({ type: 'session.renewed', time: result.now, ...fromSession(result.session), meta: opts.meta })
    }
    if (opts.refresh) {
      audit({ type: 'session.refreshed', time: result.now, ...fromSession(result.session), meta: opts.meta })
    }
    return {
      ok: true as const,
      session: sessionInfo(result.session),
      status,
      ...(successor === undefined ? {} : { token: successor }),
    }
  }

  async function revokeWith(input: { id?: string; handle?: string; reason: RevokeReason }) {
    const result = await guard(() => store.revoke({ ...input, tombstoneTtl, ...withNow(inputNow()) }))
    learn(result.now)
    if (result.ended) {
      audit({
        type: 'session.revoked',
        time: result.now,
        ...fromTombstone(result.ended),
        reason: input.reason,
      })
    }
    return result.ended !== null
  }

  const manager: SessionManager = {
    policies: policies.byName,
    defaultPolicy: policies.defaultPolicy,
    compliance,

    async create(input: CreateSessionInput): Promise<CreatedSession> {
      if (typeof input !== 'object' || input === null) invalid('create() expects { subject }.')
      const { subject } = input
      if (typeof subject !== 'string' || subject.length === 0 || subject.length > MAX_SUBJECT_LENGTH) {
        invalid(`"subject" must be a non-empty string of at most ${MAX_SUBJECT_LENGTH} characters.`)
      }
      const policyName = input.policy ?? policies.defaultPolicy.name
      const policy = policies.byName.get(policyName)
      if (!policy) {
        throw new CurfewError({
          code: 'unknown_policy',
          message: `Unknown policy "${policyName}". Configured: ${[...policies.byName.keys()].join(', ')}.`,
        })
      }
      if (input.data !== undefined && JSON.stringify(input.data).length > MAX_DATA_BYTES) {
        invalid(
          `Session "data" must serialise to at most ${MAX_DATA_BYTES} bytes; keep large state elsewhere.`,
        )
      }
      const time = storeHasClock ? await guard(() => store.time!()) : localNow()
      learn(time)
      // An identity provider's auth_time may run slightly ahead of our clock; never in the future.
      const authTime = Math.min(input.authTime ?? time, time)
      if (!Number.isFinite(authTime)) invalid('"authTime" must be epoch milliseconds.')
      if (time >= authTime + policy.absoluteTimeout) {
        invalid('"authTime" is older than the policy\'s absoluteTimeout; ask the user to sign in again.')
      }
      // The handle carries the subject's tag and rides in the token, so a store finds the session (and
      // every other session of the subject) from the token alone: one key, one slot on Redis Cluster.
      const handle = generateHandle({ subject })
      const token = generateToken({ handle })
      const session: StoredSession = {
        handle,
        subject,
        policy: policy.name,
        fingerprint: policy.fingerprint,
        authTime,
        createdAt: time,
        lastActivityAt: time,
        renewedAt: time,
        ...(input.data === undefined ? {} : { data: input.data }),
      }
      await guard(() =>
        store.create({
          id: hashToken(token),
          session,
          limits: policies.limits[policy.name]!,
          tombstoneTtl,
          now: time,
        }),
      )
      audit({
        type: 'session.created',
        time,
        ...fromSession(session),
        authTime,
        ...(auditActivity ? { evidence: true } : {}),
        meta: input.meta,
      })
      return { token, session: sessionInfo(session), status: sessionStatus({ session, policy, now: time }) }
    },

    validate(token, opts = {}) {
      return check(token, opts)
    },

    refresh(token, opts = {}): Promise<ValidateResult> {
      return check(token, { activity: true, refresh: true, ...(opts.meta ? { meta: opts.meta } : {}) })
    },

    async revoke(tokenOrHandle, reason = 'revoked') {
      if (isWellFormedToken(tokenOrHandle)) return revokeWith({ id: hashToken(tokenOrHandle), reason })
      if (isWellFormedHandle(tokenOrHandle)) return revokeWith({ handle: tokenOrHandle, reason })
      return false
    },

    async revokeSubject(subject, reason = 'revoked') {
      if (typeof subject !== 'string' || subject.length === 0) return 0
      const result = await guard(() =>
        store.revokeSubject({ subject, reason, tombstoneTtl, ...withNow(inputNow()) }),
      )
      learn(result.now)
      for (const tombstone of result.ended) {
        audit({ type: 'session.revoked', time: result.now, ...fromTombstone(tombstone), reason })
      }
      return result.ended.length
    },

    async forgetSubject(subject) {
      if (typeof subject !== 'string' || subject.length === 0) return 0
      const forget = store.forgetSubject?.bind(store)
      if (!forget) {
        throw new CurfewError({
          code: 'invalid_option',
          message:
            'This store cannot forget a subject: give it a forgetSubject method (MemoryStore and RedisStore have one).',
        })
      }
      // End the live sessions first, so their ends are audited once and their sockets close fleet-wide;
      // the events leave the subject out — the reason for this call is to stop holding it.
      const revoked = await guard(() =>
        store.revokeSubject({ subject, reason: 'revoked', tombstoneTtl, ...withNow(inputNow()) }),
      )
      learn(revoked.now)
      for (const tombstone of revoked.ended) {
        const { subject: _erased, ...ended } = fromTombstone(tombstone)
        audit({ type: 'session.revoked', time: revoked.now, ...ended, reason: 'revoked' })
      }
      const result = await guard(() => forget({ subject, ...withNow(inputNow()) }))
      learn(result.now)
      emit({
        type: 'subject.forgotten',
        time: result.now,
        // Only a keyed pseudonym may name the subject (the emitter replaces it); without a key, nothing does.
        ...(options.auditPseudonymKey === undefined ? {} : { subject }),
        meta: { sessions: result.forgotten },
      })
      return result.forgotten
    },

    async list(subject): Promise<SessionInfo[]> {
      if (typeof subject !== 'string' || subject.length === 0) return []
      const result = await guard(() => store.list({ subject, ...withNow(inputNow()) }))
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

    async issueAccessToken(session) {
      if (!signer) {
        throw new CurfewError({
          code: 'invalid_option',
          message: 'issueAccessToken needs the "tokens" option: configure tokens in createSessionManager.',
        })
      }
      if (typeof session !== 'object' || session === null) invalid('issueAccessToken expects a session.')
      const policy = policies.byName.get(session.policy)
      const time = now()
      // Judged by the policy in force now, like every check: the token may not outlive the session.
      const verdict = policy ? evaluateSession(session, policy, time) : undefined
      if (!policy || verdict?.state !== 'active') {
        throw new CurfewError({
          code: 'session_expired',
          message: 'The session has ended; no access token was issued. Sign the user in again.',
        })
      }
      return signer.sign({ session, policy, now: time, expiresAt: verdict.expiresAt })
    },

    verifyAccessToken(jwt, opts) {
      return verifyToken(jwt, opts)
    },

    async findDrift(opts = {}) {
      const time = storeHasClock ? await guard(() => store.time!()) : localNow()
      learn(time)
      return findDrift({
        store,
        policies: policies.byName,
        now: time,
        options: opts,
        revoke: (handle) => revokeWith({ handle, reason: 'policy_changed' }),
      })
    },

    policyDocument(): PolicyDocument {
      return {
        protocol: 'curfew/1',
        serverTime: now(),
        defaultPolicy: policies.defaultPolicy.name,
        policies: [...policies.byName.values()].map((p) => ({
          name: p.name,
          idleTimeout: p.idleTimeout,
          absoluteTimeout: p.absoluteTimeout,
          warnBefore: p.warnBefore,
          fingerprint: p.fingerprint,
          touchInterval: p.touchInterval,
          renewEvery: p.renewEvery,
          renewGrace: p.renewGrace,
          ...(p.source === undefined ? {} : { source: p.source }),
        })),
      }
    },

    now,

    watch(session, onEnd) {
      return watches.watch(session, onEnd)
    },

    async close() {
      await watches.close()
      if (ownsStore) await store.close?.()
    },
  }
  return manager
}

function withNow(now: number | undefined): { now?: number } {
  return now === undefined ? {} : { now }
}
