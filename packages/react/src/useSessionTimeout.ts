import type { SessionSnapshot } from '@curfew/client'
import { useSessionClient } from './context'
import { useMemo } from './react'
import { useSnapshot } from './snapshot'

/** The session snapshot plus the two actions a warning needs. */
export interface SessionTimeoutState extends SessionSnapshot {
  /** Extends the idle deadline (`POST /session/refresh`); cannot move the absolute deadline. */
  staySignedIn(): Promise<SessionSnapshot>
  /** Ends the session at the server and in every tab. */
  logout(): Promise<void>
}

/**
 * The current session snapshot and its actions. Re-renders only when the snapshot changes (status,
 * deadline, ...), never once a second: use {@link useSessionCountdown} for a ticking countdown.
 * During server rendering and hydration the status is `'unknown'`.
 *
 * @example
 * function SessionBadge() {
 *   const { status, staySignedIn } = useSessionTimeout()
 *   if (status !== 'warning') return null
 *   return <button type="button" onClick={() => void staySignedIn()}>Stay signed in</button>
 * }
 */
export function useSessionTimeout(): SessionTimeoutState {
  const client = useSessionClient()
  const snapshot = useSnapshot(client)
  return useMemo(
    () => ({ ...snapshot, staySignedIn: () => client.staySignedIn(), logout: () => client.logout() }),
    [client, snapshot],
  )
}
