import type { AuditEvent, AuditSink } from './events'

/** The `audit` option: one function, or several sinks. */
export type AuditOption = AuditSink | readonly AuditSink[]

/**
 * Fans an event out to every sink. A throwing or rejecting sink is ignored (and reported through
 * `onSinkError`) — the audit trail must never break or slow a request.
 */
export function createAuditEmitter(options: {
  audit?: AuditOption | undefined
  onSinkError?: (error: unknown) => void
}): (event: AuditEvent) => void {
  const sinks: readonly AuditSink[] =
    options.audit === undefined ? [] : typeof options.audit === 'function' ? [options.audit] : options.audit
  const onError = options.onSinkError ?? (() => {})
  return (event) => {
    for (const sink of sinks) {
      try {
        const result = sink(Object.freeze({ ...event }))
        if (result && typeof (result as Promise<void>).then === 'function') {
          ;(result as Promise<void>).then(undefined, onError)
        }
      } catch (error) {
        onError(error)
      }
    }
  }
}
