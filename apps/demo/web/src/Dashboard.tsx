import type { SessionClient } from '@curfew/client'
import { SessionTimeoutDialog, useSessionTimeout } from '@curfew/react'
import { useEffect, useState } from 'react'
import { AdminPanel } from './AdminPanel'
import { AuditLog } from './AuditLog'
import { type DemoConfig, formatMs } from './api'
import { Feed } from './Feed'
import { useServerClock } from './useServerClock'

export function Dashboard({ client }: { client: SessionClient; config: DemoConfig | null }) {
  const snapshot = useSessionTimeout()
  const now = useServerClock(snapshot)
  const [me, setMe] = useState<string | null>(null)
  const idp = useIdpSession(client, snapshot.session)

  async function doSomething() {
    const response = await client.fetch('/api/me', { credentials: 'same-origin' })
    if (response.ok) setMe(JSON.stringify(await response.json()))
  }

  return (
    <div className="dashboard">
      <section className="panel" aria-labelledby="who">
        <h2 id="who">
          Signed in as <span data-testid="subject">{snapshot.subject}</span>
        </h2>
        <dl className="deadlines">
          <dt>Status</dt>
          <dd data-testid="status">{snapshot.status}</dd>
          <dt>Idle deadline in</dt>
          <dd data-testid="idle-remaining">
            {now === null || snapshot.idleExpiresAt === null ? '—' : formatMs(snapshot.idleExpiresAt - now)}
          </dd>
          <dt>Absolute deadline in</dt>
          <dd data-testid="absolute-remaining">
            {now === null || snapshot.absoluteExpiresAt === null
              ? '—'
              : formatMs(snapshot.absoluteExpiresAt - now)}
          </dd>
          <dt>Ends by</dt>
          <dd data-testid="expires-by">{snapshot.expiresBy}</dd>
          <dt>This tab</dt>
          <dd data-testid="leader">{snapshot.isLeader ? 'leader (talks to the server)' : 'follower'}</dd>
          <dt>Session</dt>
          <dd>
            <code data-testid="handle">{snapshot.session}</code>
          </dd>
        </dl>
        <div className="actions">
          <button type="button" onClick={doSomething}>
            Do something (GET /api/me counts as activity)
          </button>
          <button type="button" onClick={() => client.logout()}>
            Sign out
          </button>
          {idp ? (
            // The IdP ends its session and tells every app of it over the back channel: this session ends
            // with reason idp_logout, in every tab, live — nothing here revokes it first.
            <a className="button" href={idp.signOutEverywhere}>
              Sign out everywhere at the IdP
            </a>
          ) : null}
        </div>
        {me ? <pre className="me">{me}</pre> : null}
      </section>
      <Feed client={client} />
      <AuditLog />
      <AdminPanel client={client} />
      <SessionTimeoutDialog />
    </div>
  )
}

/** Whether this session came from the dev IdP (a passive check: it never extends the session). */
function useIdpSession(client: SessionClient, session: string | null): { signOutEverywhere: string } | null {
  const [idp, setIdp] = useState<{ signOutEverywhere: string } | null>(null)
  useEffect(() => {
    if (session === null) return
    let current = true
    client
      .fetch('/api/idp/session', { headers: { 'Curfew-Passive': '1' } })
      .then((response) => (response.ok ? response.json() : null))
      .then(
        (body: { linked: boolean; signOutEverywhere?: string } | null) => {
          if (current) setIdp(body?.signOutEverywhere ? { signOutEverywhere: body.signOutEverywhere } : null)
        },
        () => undefined,
      )
    return () => {
      current = false
    }
  }, [client, session])
  return idp
}
