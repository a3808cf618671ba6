import type { SessionClient } from '@curfew/client'
import { useSessionTimeout } from '@curfew/react'
import { useEffect, useState } from 'react'
import type { DemoConfig } from './api'
import { Dashboard } from './Dashboard'
import { SignIn } from './SignIn'

const ENDED: Record<string, string> = {
  idle: 'You were signed out after a period of inactivity.',
  absolute: 'Your session reached its maximum lifetime. Please sign in again.',
  revoked: 'An administrator ended your session.',
  logout: 'You signed out.',
  reuse_detected: 'Your session was ended because its token was reused.',
  idp_logout: 'You signed out at the identity provider, which ended this session (back-channel logout).',
  idp_session_ended: 'Your session at the identity provider has ended.',
}

export function App({ client }: { client: SessionClient }) {
  const { status, reason } = useSessionTimeout()
  const [config, setConfig] = useState<DemoConfig | null>(null)

  useEffect(() => {
    fetch('/api/config')
      .then((r) => r.json())
      .then(setConfig, () => setConfig(null))
  }, [])

  return (
    <main className="demo">
      <header className="demo-header">
        <h1>Curfew demo</h1>
        <p className="demo-note">
          A demo: sign-in takes any name and no password. Timeouts are short on purpose so you can watch them.
          {config ? ` Store: ${config.store}. Instance: ${config.instance}.` : ''}
        </p>
      </header>
      {status === 'unknown' ? (
        <p aria-live="polite">Checking your session…</p>
      ) : status === 'expired' ? (
        <SignIn client={client} config={config} notice={reason ? ENDED[reason] : undefined} />
      ) : (
        <Dashboard client={client} config={config} />
      )}
    </main>
  )
}
