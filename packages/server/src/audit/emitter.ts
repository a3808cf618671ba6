import type { AuditEvent, AuditSink } from './events'

/** The `audit` option: one function, or several sinks. */
export type AuditOption = AuditSink | readonly AuditSink[]

/** What {@link createAuditEmitter} returns: call it with an event; `flush()` before shutting down. */
export interface AuditEmitter {
  (event: AuditEvent): void
  /**
   * Resolves once every event handed to an asynchronous sink has settled, and every sink with a
   * `flush()` method of its own (a buffered or batching sink) has flushed. Never rejects.
   */
  flush(): Promise<void>
}

/**
 * Fans an event out to every sink. A throwing or rejecting sink is ignored (and reported through
 * `onSinkError`) — the audit trail must never break or slow a request. Asynchronous deliveries are
 * remembered until they settle, so `flush()` (which `manager.close()` calls) can wait for them.
 *
 * @example
 * const emit = createAuditEmitter({ audit: [jsonLinesSink(process.stdout)] })
 * emit({ type: 'session.created', time: Date.now(), session: 's_1' })
 * await emit.flush()
 */
export function createAuditEmitter(options: {
  audit?: AuditOption | undefined
  onSinkError?: (error: unknown) => void
}): AuditEmitter {
  const sinks: readonly AuditSink[] =
    options.audit === undefined ? [] : typeof options.audit === 'function' ? [options.audit] : options.audit
  const onError = options.onSinkError ?? (() => {})
  const pending = new Set<Promise<void>>()
  const emit = (event: AuditEvent): void => {
    for (const sink of sinks) {
      try {
        const result = sink(Object.freeze({ ...event }))
        if (result && typeof (result as Promise<void>).then === 'function') {
          const delivery = (result as Promise<void>).then(undefined, onError).finally(() => {
            pending.delete(delivery)
          })
          pending.add(delivery)
        }
      } catch (error) {
        onError(error)
      }
    }
  }
  const flush = async (): Promise<void> => {
    while (pending.size > 0) await Promise.all([...pending])
    for (const sink of sinks) {
      const flushable = sink as { flush?: () => unknown }
      if (typeof flushable.flush !== 'function') continue
      try {
        await flushable.flush()
      } catch (error) {
        onError(error)
      }
    }
  }
  return Object.assign(emit, { flush })
}
