import { SessionTimeoutDialog } from '../SessionTimeoutDialog'
import type { SessionTimeoutProviderProps } from '../SessionTimeoutProvider'
import { SessionTimeoutProvider } from '../SessionTimeoutProvider'
import { useSessionCountdown } from '../useSessionCountdown'
import { useSessionTimeout } from '../useSessionTimeout'

function Status() {
  const { status } = useSessionTimeout()
  const seconds = useSessionCountdown()
  return (
    <p>
      status:{status} seconds:{seconds ?? 'none'}
    </p>
  )
}

/** A small app using every export, for server rendering and hydration tests. */
export function App(props: SessionTimeoutProviderProps) {
  return (
    <SessionTimeoutProvider {...props}>
      <Status />
      <SessionTimeoutDialog signInHref="/login" />
    </SessionTimeoutProvider>
  )
}
