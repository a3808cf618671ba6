import type { AuditEvent, AuditEventType, AuditMeta } from '../audit/events'
import type { ReplicationShortfall, StoreCheckResult, StoredSession, StoredTombstone } from '../stores/types'
import type { ResolvedPolicy } from '../types'

type Ended = Extract<StoreCheckResult, { outcome: 'ended' }>

// Ends someone decided (audited as `session.revoked`), as opposed to deadlines (`session.expired`).
const REVOKE_REASONS = new Set<string>([
  'revoked',
  'logout',
  'reuse_detected',
  'idp_logout',
  'idp_session_ended',
])

/**
 * Which event a refused check is: the one call that ends a session (`first`) reports how it ended —
 * `session.revoked` for revocation, logout, token reuse and identity-provider logout, `session.expired` for a deadline or a
 * policy change — and every later call with the dead token is a `session.rejected`. A token that was
 * merely renewed away is never a session end.
 *
 * @example
 * endedEventType({ outcome: 'ended', reason: 'idle', first: true, ... }) // 'session.expired'
 */
export function endedEventType(result: Pick<Ended, 'first' | 'reason'>): AuditEventType {
  if (!result.first || result.reason === 'renewed') return 'session.rejected'
  return REVOKE_REASONS.has(result.reason) ? 'session.revoked' : 'session.expired'
}

/** The session fields of an event about an ended session. */
/** `meta` of an event whose write the store could not confirm on its replicas (else nothing). */
export function shortfallMeta(shortfall: ReplicationShortfall | undefined) {
  return shortfall ? { meta: { replicas: shortfall.replicas, replicasWanted: shortfall.wanted } } : {}
}

export function tombstoneFields(tombstone: StoredTombstone) {
  return {
    session: tombstone.handle,
    subject: tombstone.subject,
    policy: tombstone.policy,
    fingerprint: tombstone.fingerprint,
  }
}

/** The session fields of an event about a live session: the fingerprint of the policy in force. */
export function sessionFields(session: StoredSession, policies: ReadonlyMap<string, ResolvedPolicy>) {
  return {
    session: session.handle,
    subject: session.subject,
    policy: session.policy,
    fingerprint: policies.get(session.policy)?.fingerprint ?? session.fingerprint,
  }
}

/** An emitter that takes `meta` as optional-or-undefined and leaves the field out when there is none. */
export function auditWith(
  emit: (event: AuditEvent) => void,
): (event: Omit<AuditEvent, 'meta'> & { meta?: AuditMeta | undefined }) => void {
  return (event) => {
    const { meta, ...rest } = event
    emit(meta === undefined ? rest : { ...rest, meta })
  }
}
