import type { SessionClientOptions, SessionSnapshot } from './types'

/**
 * Calls `onWarning`, `onExpired` or `onExtended` when a published snapshot's status differs from the
 * one before (`previous` is `undefined` for the first snapshot, which calls nothing).
 *
 * @example
 * callBack(options, 'active', snapshot) // onWarning(snapshot) when snapshot.status is 'warning'
 */
export function callBack(
  options: SessionClientOptions,
  previous: SessionSnapshot['status'] | undefined,
  snapshot: SessionSnapshot,
): void {
  const { status } = snapshot
  if (status === previous || !previous) return
  if (status === 'warning') options.onWarning?.(snapshot)
  if (status === 'expired') options.onExpired?.(snapshot)
  if (status === 'active' && previous !== 'unknown') options.onExtended?.(snapshot)
}
