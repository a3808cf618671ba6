import { createHmac } from 'node:crypto'
import type { AuditEvent } from './events'

/**
 * The pseudonym of a subject: `p_` + HMAC-SHA-256(key, subject), base64url, 128 bits. Stable for one
 * key (an assessor can follow one user through the log, and the controller, holding the key, can
 * re-identify on request), meaningless without it (GDPR Art. 4(5)).
 *
 * @example
 * pseudonymizeSubject({ key: process.env.AUDIT_PSEUDONYM_KEY!, subject: 'alice@example.com' }) // 'p_3vQ…'
 */
export function pseudonymizeSubject(options: { key: string | Uint8Array; subject: string }): string {
  return `p_${createHmac('sha256', options.key).update(options.subject).digest('base64url').slice(0, 22)}`
}

/** Wraps an emitter so that no event leaves with its subject in clear. */
export function pseudonymizingEmitter(options: {
  key: string | Uint8Array
  emit: (event: AuditEvent) => void
}): (event: AuditEvent) => void {
  const { key, emit } = options
  if (key.length === 0) throw new TypeError('"auditPseudonymKey" must not be empty.')
  return (event) =>
    emit(
      event.subject === undefined
        ? event
        : { ...event, subject: pseudonymizeSubject({ key, subject: event.subject }) },
    )
}
