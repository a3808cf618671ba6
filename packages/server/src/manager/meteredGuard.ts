import { CurfewError } from '@curfew/core'
import type { CurfewMetrics } from '../metrics/metrics'

/** A store guard: runs one store call under the timeout and outage tracking. */
export type StoreGuard = <T>(call: () => Promise<T>) => Promise<T>

/**
 * Counts every failed store call (`curfew.store.errors`, by error code) around the guard. Without
 * metrics the guard is returned as it is: no extra promise per call.
 *
 * @example
 * const guard = meteredGuard(createStoreGuard({ timeout, now, emit }), createMetrics(options.metrics))
 */
export function meteredGuard(guard: StoreGuard, metrics: CurfewMetrics | undefined): StoreGuard {
  if (!metrics) return guard
  return async (call) => {
    try {
      return await guard(call)
    } catch (error) {
      metrics.storeError(error instanceof CurfewError ? error.code : 'store_unavailable')
      throw error
    }
  }
}
