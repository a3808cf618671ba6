import { CurfewError } from '@curfew/core'
import type { AuditEvent } from '../audit/events'

/**
 * Runs store calls with a bounded timeout and tracks outages: the first failure of an outage is
 * audited as `store.unavailable`, the first success after it as `store.recovered`. A call that hangs
 * past the timeout is abandoned (its late rejection is swallowed, never unhandled).
 */
export function createStoreGuard(options: {
  timeout: number
  now: () => number
  emit: (event: AuditEvent) => void
}): <T>(call: () => Promise<T>) => Promise<T> {
  let downSince: number | null = null
  return async <T>(call: () => Promise<T>): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined
    const work = Promise.resolve().then(call)
    work.catch(() => {})
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new CurfewError({
              code: 'store_timeout',
              message: `The session store did not answer within ${options.timeout} ms.`,
            }),
          ),
        options.timeout,
      )
    })
    try {
      const value = await Promise.race([work, deadline])
      if (downSince !== null) {
        options.emit({
          type: 'store.recovered',
          time: options.now(),
          meta: { downtimeMs: options.now() - downSince },
        })
        downSince = null
      }
      return value
    } catch (cause) {
      const timedOut = cause instanceof CurfewError && cause.code === 'store_timeout'
      const error = timedOut
        ? cause
        : new CurfewError({
            code: 'store_unavailable',
            message: `The session store failed: ${String(cause)}`,
            cause,
          })
      if (downSince === null) {
        downSince = options.now()
        options.emit({
          type: 'store.unavailable',
          time: downSince,
          reason: timedOut ? 'store_timeout' : 'store_unavailable',
          meta: { error: error.message },
        })
      }
      throw error
    } finally {
      clearTimeout(timer)
    }
  }
}
