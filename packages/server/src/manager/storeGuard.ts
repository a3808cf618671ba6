import { CurfewError } from '@curfew/core'
import type { AuditEvent } from '../audit/events'
import type { StoreFailureDomain, StoreRoute } from '../stores/types'

/** A store guard: runs one store call under the timeout and outage tracking. */
export interface StoreGuard {
  /** `route` names what the call is about, so a sharded store's outages are tracked per shard. */
  <T>(call: () => Promise<T>, route?: StoreRoute): Promise<T>
  /** Runs a synchronous store call (it cannot hang: no timeout), with the same outage tracking. */
  sync<A, T>(call: (arg: A) => T, arg: A): T
}

/**
 * Runs store calls with a bounded timeout and tracks outages: the first failure of an outage is
 * audited as `store.unavailable`, the first success after it as `store.recovered`. A call that hangs
 * past the timeout is abandoned (its late rejection is swallowed, never unhandled). Every failed call
 * is reported to `onError` with its code (`curfew.store.errors`) — counted here rather than by a
 * wrapper, which cost each call one more promise.
 *
 * A store split into shards that fail on their own (`domainOf`, a Redis Cluster) has one outage per
 * shard: a success on another shard ends nothing, and both events name the shard (`meta.shard`,
 * `meta.node`). `domainOf` is asked only when a call failed or an outage is open.
 */
export function createStoreGuard(options: {
  timeout: number
  now: () => number
  emit: (event: AuditEvent) => void
  onError?: ((code: 'store_timeout' | 'store_unavailable', shard: string | undefined) => void) | undefined
  domainOf?: ((route: StoreRoute | undefined) => StoreFailureDomain | null | undefined) | undefined
}): StoreGuard {
  const { onError, domainOf } = options
  // The whole store's outage (one node), and each shard's (a cluster), by when it started.
  let downSince: number | null = null
  const shardsDown = new Map<string, number>()
  let open = 0
  // Calls are numbered as they start. One that started before its shard (or the store) recovered and
  // fails after it is a straggler of the outage that ended (e.g. sent to the dead master), not a new one.
  let calls = 0
  let storeRecoveredAt = 0
  const shardRecoveredAt = new Map<string, number>()
  const recovered = (route: StoreRoute | undefined): void => {
    if (open === 0) return
    const domain = domainOf?.(route)
    const since = domain ? shardsDown.get(domain.shard) : domain === undefined ? downSince : undefined
    if (since === undefined || since === null) return
    open--
    const time = options.now()
    if (domain) {
      shardsDown.delete(domain.shard)
      shardRecoveredAt.set(domain.shard, calls)
      options.emit({
        type: 'store.recovered',
        time,
        meta: { downtimeMs: time - since, shard: domain.shard, node: domain.node },
      })
    } else {
      downSince = null
      storeRecoveredAt = calls
      options.emit({ type: 'store.recovered', time, meta: { downtimeMs: time - since } })
    }
  }
  const failed = (cause: unknown, route: StoreRoute | undefined, call: number): CurfewError => {
    const timedOut = cause instanceof CurfewError && cause.code === 'store_timeout'
    const error = timedOut
      ? cause
      : new CurfewError({
          code: 'store_unavailable',
          message: `The session store failed: ${String(cause)}`,
          cause,
        })
    const reason = timedOut ? 'store_timeout' : 'store_unavailable'
    const domain = domainOf?.(route)
    onError?.(reason, domain?.shard)
    // A call that went to no shard in particular (null) opens no outage: a keyed call will.
    if (domain === null || (domain ? shardsDown.has(domain.shard) : downSince !== null)) return error
    if (call <= (domain ? (shardRecoveredAt.get(domain.shard) ?? 0) : storeRecoveredAt)) return error
    open++
    const time = options.now()
    if (domain) {
      shardsDown.set(domain.shard, time)
      const meta = { error: error.message, shard: domain.shard, node: domain.node }
      options.emit({ type: 'store.unavailable', time, reason, meta })
    } else {
      downSince = time
      options.emit({ type: 'store.unavailable', time, reason, meta: { error: error.message } })
    }
    return error
  }
  // One promise and one timer per call (no Promise.race): this runs on every request.
  const guard = <T>(call: () => Promise<T>, route?: StoreRoute): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const number = ++calls
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
            route,
            number,
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
          recovered(route)
          resolve(value)
        },
        (cause: unknown) => {
          if (settled) return
          settled = true
          clearTimeout(timer)
          reject(failed(cause, route, number))
        },
      )
    })
  // A store call that answers synchronously cannot hang: no timer, the same outage accounting.
  guard.sync = <A, T>(call: (arg: A) => T, arg: A): T => {
    let value: T
    try {
      value = call(arg)
    } catch (cause) {
      throw failed(cause, undefined, ++calls)
    }
    recovered(undefined)
    return value
  }
  return guard
}
