import type { ExpiryReason } from '@curfew/core'
import type { RequestMeta } from '../types'

/** Every audit event type Curfew emits. */
export type AuditEventType =
  | 'session.created'
  | 'session.refreshed'
  | 'session.renewed'
  | 'session.expired'
  | 'session.revoked'
  | 'session.rejected'
  | 'store.unavailable'
  | 'store.recovered'
  | 'policy.drift'
  /** Evidence-grade audit only: an accepted activity write (one per `touchInterval`, not per request). */
  | 'session.activity'
  /** A long-lived connection (WebSocket, SSE, Socket.IO) cut off at its session's end; see {@link ConnectionClosedEvent}. */
  | 'connection.closed'
  /** `manager.forgetSubject`: every record of a subject erased (GDPR Art. 17). Never carries the subject in clear. */
  | 'subject.forgotten'
  /** Forwarded by the app from the browser SDK: the warning dialog was shown. */
  | 'client.warning_shown'
  /** Forwarded by the app from the browser SDK: the user chose to stay signed in. */
  | 'client.extended'
  /** Forwarded by the app from the browser SDK: the browser showed the session as expired. */
  | 'client.expired'

/** Why a request was refused, beyond the session end reasons. */
export type AuditReason = ExpiryReason | 'store_unavailable' | 'store_timeout' | 'auth_too_old'

/**
 * One audit record. Carries the session's non-secret handle, never a token. Session fields are absent
 * when no session is known (a malformed token, a store outage).
 */
export interface AuditEvent {
  type: AuditEventType
  /** Epoch ms, by the clock that decided. */
  time: number
  /** Session handle. */
  session?: string
  subject?: string
  /** Policy tier name. */
  policy?: string
  /** Fingerprint of the policy (the session's, or the tier's current one). */
  fingerprint?: string
  reason?: AuditReason
  /** `session.created`: when the user authenticated (epoch ms); the absolute deadline counts from it. */
  authTime?: number
  /** `session.created`: the session's own cap (epoch ms) when it has one; see `CreateSessionInput`. */
  notAfter?: number
  /**
   * `session.created`: this session's activity is audited (`auditActivity`), so its idle gaps can be
   * proven from the log alone.
   */
  evidence?: boolean
  /** Request metadata when known, and event details (e.g. `{ error }` on `store.unavailable`). */
  meta?: AuditMeta
}

/** Request metadata plus the details some events carry. */
export interface AuditMeta extends RequestMeta {
  /** `store.unavailable`: what failed. */
  error?: string
  /** `store.recovered`: how long the outage lasted (ms). */
  downtimeMs?: number
  /**
   * `store.unavailable` / `store.recovered` on a sharded store (Redis Cluster): the shard whose outage
   * it is — its slot ranges, e.g. `'5461-10922'`, which a failover does not change. Absent on one node.
   */
  shard?: string
  /** With `shard`: the node that served it (the failed master; on recovery, the one that answered). */
  node?: string
  /** `policy.drift`: the fingerprint the session or token was minted under. */
  fromFingerprint?: string
  /** `policy.drift`: the current fingerprint of its tier. */
  toFingerprint?: string
  /** `connection.closed`: the kind of connection cut off (`'websocket'`, `'sse'`, `'socket.io'`, …). */
  transport?: string
  /** `subject.forgotten`: how many sessions were erased. */
  sessions?: number
  /**
   * `session.revoked` / `subject.forgotten` when the store waits for replicas (RedisStore
   * `waitForReplicas`) and fewer than `replicasWanted` confirmed the write within the timeout: how many
   * did. The write happened on the primary; a failover before it reaches a replica may undo it.
   * Absent when the replicas confirmed it (or the store does not wait).
   */
  replicas?: number
  /** With `replicas`: how many replicas the store waited for. */
  replicasWanted?: number
}

/**
 * The audit record of a long-lived connection cut off because its session ended: `session` is the
 * handle, `reason` the session's end reason, `meta.transport` the kind of connection. Emitted once per
 * connection closed by Curfew; `curfew audit verify` checks idle/absolute cut-offs landed within its
 * tolerance of the deadline.
 */
export interface ConnectionClosedEvent extends AuditEvent {
  type: 'connection.closed'
  session: string
  reason: AuditReason
  meta: AuditMeta & { transport: string }
}

/**
 * Builds a {@link ConnectionClosedEvent}, so every transport audits its cut-offs the same way.
 *
 * @example
 * emit(connectionClosedEvent({ time: now(), session: info.handle, reason: 'idle', transport: 'websocket' }))
 */
export function connectionClosedEvent(options: {
  time: number
  session: string
  reason: AuditReason
  transport: string
  subject?: string
  policy?: string
  fingerprint?: string
}): ConnectionClosedEvent {
  const { time, session, reason, transport, ...rest } = options
  return { type: 'connection.closed', time, session, reason, ...rest, meta: { transport } }
}

/** Receives audit events. May return a promise; errors and rejections are swallowed. */
export type AuditSink = (event: AuditEvent) => void | Promise<void>
