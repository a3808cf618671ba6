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
  /** Request metadata when known, and event details (e.g. `{ error }` on `store.unavailable`). */
  meta?: AuditMeta
}

/** Request metadata plus the details some events carry. */
export interface AuditMeta extends RequestMeta {
  /** `store.unavailable`: what failed. */
  error?: string
  /** `store.recovered`: how long the outage lasted (ms). */
  downtimeMs?: number
  /** `policy.drift`: the fingerprint the session or token was minted under. */
  fromFingerprint?: string
  /** `policy.drift`: the current fingerprint of its tier. */
  toFingerprint?: string
}

/** Receives audit events. May return a promise; errors and rejections are swallowed. */
export type AuditSink = (event: AuditEvent) => void | Promise<void>
