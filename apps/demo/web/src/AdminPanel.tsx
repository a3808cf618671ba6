import type { SessionClient } from '@curfew/client'
import { useCallback, useEffect, useState } from 'react'
import { formatMs, postJson } from './api'

interface LiveSession {
  handle: string
  subject: string
  policy: string
  idleExpiresAt: number
  absoluteExpiresAt: number
  serverTime: number
}

/** Demo-only admin view: every live session, with a button that revokes it at the server. */
export function AdminPanel({ client }: { client: SessionClient }) {
  const [sessions, setSessions] = useState<LiveSession[]>([])
  const load = useCallback(async () => {
    const response = await client
      .fetch('/api/admin/sessions', { headers: { 'Curfew-Passive': '1' } })
      .catch(() => null)
    if (response?.ok) setSessions(((await response.json()) as { sessions: LiveSession[] }).sessions)
  }, [client])
  useEffect(() => {
    void load()
    const id = setInterval(load, 3000)
    return () => clearInterval(id)
  }, [load])
  return (
    <section className="panel" aria-labelledby="admin-title">
      <h2 id="admin-title">Admin: live sessions</h2>
      <table data-testid="sessions">
        <thead>
          <tr>
            <th>session</th>
            <th>user</th>
            <th>policy</th>
            <th>idle ends in</th>
            <th>absolute ends in</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={s.handle}>
              <td>
                <code>{s.handle}</code>
              </td>
              <td>{s.subject}</td>
              <td>{s.policy}</td>
              <td>{formatMs(s.idleExpiresAt - s.serverTime)}</td>
              <td>{formatMs(s.absoluteExpiresAt - s.serverTime)}</td>
              <td>
                <button
                  type="button"
                  aria-label={`Revoke ${s.handle}`}
                  onClick={() => postJson('/api/admin/revoke', { handle: s.handle }).then(load)}
                >
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}
