import type { SessionClient, SessionSnapshot } from '@curfew/client'
import { useCallback, useSyncExternalStore } from './react'

/** What the server render and hydration see: nothing is known before the browser asks the server. */
export const unknownSnapshot: SessionSnapshot = {
  status: 'unknown',
  expiresAt: null,
  remainingMs: null,
  expiresBy: null,
  reason: null,
  canExtend: false,
  isLeader: false,
  subject: null,
  session: null,
  idleExpiresAt: null,
  absoluteExpiresAt: null,
  warnBefore: 0,
}

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

const getServerSnapshot = () => unknownSnapshot

export function useSnapshot(client: SessionClient): SessionSnapshot {
  const subscribe = useCallback((listener: () => void) => client.subscribe(listener), [client])
  return useSyncExternalStore(subscribe, () => stableSnapshot(client), getServerSnapshot)
}
