import { useSessionClient } from './context'
import { useMemo, useSyncExternalStore } from './react'
import { useSnapshot } from './snapshot'

const serverSeconds = () => null

/**
 * Whole seconds left before the session ends (rounded up), or `null` while the deadline is unknown.
 * Re-renders once a second only while the status is `'warning'`, through the client's
 * `subscribeCountdown`, which recomputes the time left from the deadline on each whole second (never by
 * counting ticks, so a throttled tab or a sleeping laptop shows the right time at once). At other
 * times it re-renders only when the snapshot changes.
 *
 * @example
 * function Countdown() {
 *   const seconds = useSessionCountdown()
 *   return seconds === null ? null : <span>{seconds} s left</span>
 * }
 */
export function useSessionCountdown(): number | null {
  const client = useSessionClient()
  const warning = useSnapshot(client).status === 'warning'
  const subscribe = useMemo(
    () => (listener: () => void) => client[warning ? 'subscribeCountdown' : 'subscribe'](listener),
    [client, warning],
  )
  return useSyncExternalStore(
    subscribe,
    () => {
      const ms = client.getSnapshot().remainingMs
      // `null` (no deadline yet) and 0 pass through as they are.
      return ms && Math.ceil(ms / 1000)
    },
    serverSeconds,
  )
}
