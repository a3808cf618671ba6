import { CurfewError } from '@curfew/core'
import type { AuditEvent } from '../audit/events'

/** A store guard: runs one store call under the timeout and outage tracking. */
export interface StoreGuard {
  <T>(call: () => Promise<T>): Promise<T>
  /** Runs a synchronous store call (it cannot hang: no timeout), with the same outage tracking. */
  sync<A, T>(call: (arg: A) => T, arg: A): T
}

/**
 * Runs store calls with a bounded timeout and tracks outages: the first failure of an outage is
 * audited as `store.unavailable`, the first success after it as `store.recovered`. A call that hangs
 * past the timeout is abandoned (its late rejection is swallowed, never unhandled). Every failed call
 * is reported to `onError` with its code (`curfew.store.errors`) — counted here rather than by a
 * wrapper, which cost each call one more promise.
 */
export function createStoreGuard(options: {
  timeout: number
  now: () => number
  emit: (event: AuditEvent) => void
  onError?: ((code: 'store_timeout' | 'store_unavailable') => void) | undefined
}): StoreGuard {
  const { onError } = options
  let downSince: number | null = null
  const recovered = (): void => {
    if (downSince === null) return
    options.emit({
      type: 'store.recovered',
      time: options.now(),
      meta: { downtimeMs: options.now() - downSince },
    })
    downSince = null
  }
  const failed = (cause: unknown): CurfewError => {
    const timedOut = cause instanceof CurfewError && cause.code === 'store_timeout'
    const error = timedOut
      ? cause
      : new CurfewError({
          code: 'store_unavailable',
          message: `The session store failed: ${String(cause)}`,
          cause,
        })
    onError?.(timedOut ? 'store_timeout' : 'store_unavailable')
    if (downSince === null) {
      downSince = options.now()
      options.emit({
        type: 'store.unavailable',
        time: downSince,
        reason: timedOut ? 'store_timeout' : 'store_unavailable',
        meta: { error: error.message },
      })
    }
    return error
  }
  // One promise and one timer per call (no Promise.race): this runs on every request.
  const guard = <T>(call: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      let settled = false
      const timer = setTimeout(() => {
        if (settled) return
        settled = true
        reject(
          failed(
            new CurfewError({
              code: 'store_timeout',
              message: `The session store did not answer within ${options.timeout} ms.`,
            }),
          ),
        )
      }, options.timeout)
      let work: Promise<T>
      try {
        work = Promise.resolve(call())
      } catch (error) {
        work = Promise.reject(error)
      }
      // A call abandoned after the timeout settles into nothing (its late rejection is swallowed).
      work.then(
        (value) => {
          if (settled) return
          settled = true
          clearTimeout(timer)
          recovered()
          resolve(value)
        },
        (cause: unknown) => {
          if (settled) return
          settled = true
          clearTimeout(timer)
          reject(failed(cause))
        },
      )
    })
  // A store call that answers synchronously cannot hang: no timer, the same outage accounting.
  guard.sync = <A, T>(call: (arg: A) => T, arg: A): T => {
    let value: T
    try {
      value = call(arg)
    } catch (cause) {
      throw failed(cause)
    }
    recovered()
    return value
  }
  return guard
}
