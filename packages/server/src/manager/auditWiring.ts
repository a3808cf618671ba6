import { type AuditEmitter, createAuditEmitter } from '../audit/emitter'
import type { AuditEvent, AuditSink } from '../audit/events'
import { pseudonymizingEmitter } from '../audit/pseudonymize'
import type { CurfewMetrics } from '../metrics/metrics'
import type { SessionManagerOptions } from './options'

/**
 * The manager's audit trail: the app's sinks plus the metrics counter and the manager's own sinks
 * (the watch hub), behind subject pseudonyms when
 * `auditPseudonymKey` is set. `flush` is what `manager.close()` awaits.
 *
 * @example
 * const { emit, flush } = managerAudit(options, createMetrics(options.metrics))
 */
export function managerAudit(
  options: Pick<SessionManagerOptions, 'audit' | 'auditPseudonymKey'>,
  metrics: CurfewMetrics | undefined,
  internalSinks: readonly AuditSink[] = [],
): { emit: (event: AuditEvent) => void; flush: AuditEmitter['flush'] } {
  const sinks =
    options.audit === undefined ? [] : typeof options.audit === 'function' ? [options.audit] : options.audit
  const fanOut = createAuditEmitter({
    audit: [...sinks, ...(metrics ? [metrics.sink] : []), ...internalSinks],
  })
  const emit =
    options.auditPseudonymKey === undefined
      ? fanOut
      : pseudonymizingEmitter({ key: options.auditPseudonymKey, emit: fanOut })
  return { emit, flush: fanOut.flush }
}
