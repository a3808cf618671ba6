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

// While a countdown is watched, the client republishes its snapshot every second with only
// `remainingMs` changed. Components that read the whole snapshot keep the one they have, so they
// re-render on real changes only (a status badge must not re-render every second).
const shown = new WeakMap<SessionClient, SessionSnapshot>()

function stableSnapshot(client: SessionClient): SessionSnapshot {
  const next = client.getSnapshot()
  const last = shown.get(client)
  if (
    last &&
    (Object.keys(next) as Array<keyof SessionSnapshot>).every(
      (k) => k === 'remainingMs' || last[k] === next[k],
    )
  )
    return last
  shown.set(client, next)
  return next
}

export function useSnapshot(client: SessionClient): SessionSnapshot {
  const subscribe = useMemo(() => (listener: () => void) => client.subscribe(listener), [client])
  return useSyncExternalStore(subscribe, () => stableSnapshot(client), unknownSnapshot)
}
