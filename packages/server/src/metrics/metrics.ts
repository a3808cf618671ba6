import type { AuditEvent, AuditSink } from '../audit/events'
import {
  type CounterLike,
  globalMeter,
  type HistogramLike,
  type MeterLike,
  type MetricsOption,
} from './meter'

/** What the manager records. Every method is cheap and never throws. */
export interface CurfewMetrics {
  /** An audit sink that counts created, expired, revoked and rejected sessions. */
  readonly sink: AuditSink
  /** One failed or timed-out store call (on a Redis Cluster, with the shard it went to). */
  storeError(reason: string, shard?: string): void
  /** Duration of one store check (ms) and what it found. */
  checkDuration(ms: number, outcome: string): void
  /** Resolves once the meter is known (at once with an explicit meter). */
  readonly ready: Promise<void>
}

interface Instruments {
  created: CounterLike
  expired: CounterLike
  revoked: CounterLike
  rejected: CounterLike
  storeErrors: CounterLike
  checkDuration: HistogramLike
}

// Sub-millisecond for memory, a few ms for Redis, a long tail when the store struggles.
const CHECK_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500]

function instrumentsOf(meter: MeterLike): Instruments {
  return {
    created: meter.createCounter('curfew.sessions.created', { description: 'Sessions started' }),
    expired: meter.createCounter('curfew.sessions.expired', {
      description: 'Sessions that reached a deadline (idle, absolute, policy_changed), counted once',
    }),
    revoked: meter.createCounter('curfew.sessions.revoked', {
      description: 'Sessions ended on purpose (revoked, logout, reuse_detected), counted once',
    }),
    rejected: meter.createCounter('curfew.sessions.rejected', {
      description: 'Requests refused with a token that is malformed, unknown or already ended',
    }),
    storeErrors: meter.createCounter('curfew.store.errors', {
      description: 'Failed or timed-out store calls',
    }),
    checkDuration: meter.createHistogram('curfew.check.duration', {
      description: 'Duration of one session check against the store',
      unit: 'ms',
      advice: { explicitBucketBoundaries: CHECK_BUCKETS },
    }),
  }
}

function attributes(event: AuditEvent): Record<string, string> {
  const attrs: Record<string, string> = {}
  if (event.reason !== undefined) attrs.reason = event.reason
  if (event.policy !== undefined) attrs.policy = event.policy
  return attrs
}

/**
 * Creates the manager's metrics: `undefined` when turned off. Instruments are created once the meter
 * is known; anything that happens before (only possible while the optional OpenTelemetry import is
 * still loading, right at start-up) is not counted.
 */
export function createMetrics(option: MetricsOption | undefined): CurfewMetrics | undefined {
  if (option === false) return undefined
  let instruments: Instruments | undefined
  const use = (meter: MeterLike | undefined) => {
    if (meter) instruments = instrumentsOf(meter)
  }
  const ready = option?.meter ? Promise.resolve(use(option.meter)) : globalMeter().then(use)
  const counters: Partial<Record<AuditEvent['type'], keyof Instruments>> = {
    'session.created': 'created',
    'session.expired': 'expired',
    'session.revoked': 'revoked',
    'session.rejected': 'rejected',
  }
  return {
    ready,
    sink(event) {
      const name = counters[event.type]
      if (instruments && name) (instruments[name] as CounterLike).add(1, attributes(event))
    },
    storeError(reason, shard) {
      instruments?.storeErrors.add(1, shard === undefined ? { reason } : { reason, shard })
    },
    checkDuration(ms, outcome) {
      instruments?.checkDuration.record(ms, { outcome })
    },
  }
}
