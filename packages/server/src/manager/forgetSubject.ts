import { CurfewError } from '@curfew/core'
import type { AuditEvent } from '../audit/events'
import type { SessionStore } from '../stores/types'
import type { auditWith } from './auditEvents'
import { shortfallMeta, tombstoneFields } from './auditEvents'
import type { StoreClock } from './storeClock'
import type { StoreGuard } from './storeGuard'

/** What erasing a subject needs from the manager. */
export interface ForgetSubjectDependencies {
  store: SessionStore
  guard: StoreGuard
  clock: StoreClock
  tombstoneTtl: number
  audit: ReturnType<typeof auditWith>
  emit: (event: AuditEvent) => void
  /** With a pseudonym key the emitter replaces the subject by its HMAC; without one, no event names it. */
  pseudonymised: boolean
}

/**
 * `manager.forgetSubject` (GDPR Art. 17): ends the subject's live sessions first, so each end is
 * audited once and its sockets close fleet-wide, then erases every record, tombstone and index entry
 * of the subject. No event carries the subject in clear — the reason for this call is to stop holding it.
 *
 * @example
 * const forgetSubject = createForgetSubject({ store, guard, clock, tombstoneTtl, audit, emit, pseudonymised })
 * const erased = await forgetSubject('user-42')
 */
export function createForgetSubject(deps: ForgetSubjectDependencies): (subject: string) => Promise<number> {
  const { store, guard, clock, tombstoneTtl, audit, emit, pseudonymised } = deps
  return async (subject) => {
    if (typeof subject !== 'string' || subject.length === 0) return 0
    const forget = store.forgetSubject?.bind(store)
    if (!forget) {
      throw new CurfewError({
        code: 'invalid_option',
        message:
          'This store cannot forget a subject: give it a forgetSubject method (MemoryStore and RedisStore have one).',
      })
    }
    const revoked = await guard(
      () => store.revokeSubject({ subject, reason: 'revoked', tombstoneTtl, ...clock.inputNow() }),
      { subject },
    )
    clock.learn(revoked.now)
    const revokedShortfall = shortfallMeta(revoked.replicationShortfall)
    for (const tombstone of revoked.ended) {
      const { subject: _erased, ...ended } = tombstoneFields(tombstone)
      audit({ type: 'session.revoked', time: revoked.now, ...ended, reason: 'revoked', ...revokedShortfall })
    }
    const result = await guard(() => forget({ subject, ...clock.inputNow() }), { subject })
    clock.learn(result.now)
    emit({
      type: 'subject.forgotten',
      time: result.now,
      ...(pseudonymised ? { subject } : {}),
      meta: { sessions: result.forgotten, ...shortfallMeta(result.replicationShortfall).meta },
    })
    return result.forgotten
  }
}
