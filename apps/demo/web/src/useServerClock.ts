import type { SessionSnapshot } from '@curfew/client'
import { useEffect, useRef, useState } from 'react'

/**
 * Server time, ticking once a second, for the demo's deadline read-outs. The snapshot's remainingMs was
 * computed against the server-corrected clock, so `expiresAt - remainingMs` anchors server time.
 */
export function useServerClock(snapshot: SessionSnapshot): number | null {
  const anchor = useRef<{ local: number; server: number } | null>(null)
  const [, setTick] = useState(0)
  if (snapshot.expiresAt !== null && snapshot.remainingMs !== null) {
    const server = snapshot.expiresAt - snapshot.remainingMs
    if (anchor.current === null || anchor.current.server !== server) {
      anchor.current = { local: Date.now(), server }
    }
  }
  useEffect(() => {
    const id = setInterval(() => setTick((t) => t + 1), 1000)
    return () => clearInterval(id)
  }, [])
  return anchor.current ? anchor.current.server + (Date.now() - anchor.current.local) : null
}
