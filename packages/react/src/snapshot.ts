import type { SessionClient, SessionSnapshot } from '@curfew/client'
import { useMemo, useSyncExternalStore } from './react'
import { createSessionClient } from './sdk'

let unknown: SessionSnapshot | undefined

/**
 * What the server render and hydration see: nothing is known before the browser asks the server. It is
 * the snapshot of a client that has not started (creating one touches no browser global), so it has
 * exactly the client's fields and can never drift from them.
 */
export const unknownSnapshot = (): SessionSnapshot => (unknown ??= createSessionClient().getSnapshot())

/**
 * The client's snapshot. The client keeps it stable while only the time left moves (it calls
 * `subscribe` listeners on other changes only), so a status badge does not re-render every second.
 */
export function useSnapshot(client: SessionClient): SessionSnapshot {
  const subscribe = useMemo(() => (listener: () => void) => client.subscribe(listener), [client])
  return useSyncExternalStore(subscribe, () => client.getSnapshot(), unknownSnapshot)
}
