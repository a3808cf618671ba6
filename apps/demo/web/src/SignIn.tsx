import type { SessionClient } from '@curfew/client'
import { type FormEvent, useState } from 'react'
import { type DemoConfig, formatSpan, postJson } from './api'

export function SignIn({
  client,
  config,
  notice,
}: {
  client: SessionClient
  config: DemoConfig | null
  notice: string | undefined
}) {
  const [username, setUsername] = useState('')
  const [policy, setPolicy] = useState('default')
  const [error, setError] = useState<string | null>(null)

  async function submit(event: FormEvent) {
    event.preventDefault()
    setError(null)
    try {
      await postJson('/api/login', { username, policy })
      // Tells this tab (and, through it, every tab) about the new session.
      await client.refreshStatus()
    } catch (e) {
      setError((e as Error).message)
    }
  }

  return (
    <section className="panel signin" aria-labelledby="signin-title">
      <h2 id="signin-title">Sign in</h2>
      {notice ? (
        <p className="notice" role="status" data-testid="signed-out-notice">
          {notice}
        </p>
      ) : null}
      <form onSubmit={submit}>
        <label>
          Name{' '}
          <input name="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <fieldset>
          <legend>Policy</legend>
          <table className="policies">
            <thead>
              <tr>
                <th />
                <th>policy</th>
                <th>idle</th>
                <th>absolute</th>
                <th>warn</th>
                <th>source</th>
              </tr>
            </thead>
            <tbody>
              {(config?.policies ?? []).map((p) => (
                <tr key={p.name}>
                  <td>
                    <input
                      type="radio"
                      name="policy"
                      aria-label={p.label}
                      value={p.name}
                      checked={policy === p.name}
                      onChange={() => setPolicy(p.name)}
                    />
                  </td>
                  <td>{p.label}</td>
                  <td>{formatSpan(p.idleTimeout)}</td>
                  <td>{formatSpan(p.absoluteTimeout)}</td>
                  <td>{formatSpan(p.warnBefore)}</td>
                  <td className="source">{p.source ?? 'from CURFEW_* environment variables'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </fieldset>
        <button type="submit">Sign in</button>
        {error ? <p role="alert">{error}</p> : null}
      </form>
      {config?.idp ? (
        <p className="idp-signin">
          Or{' '}
          <a className="button" href="/auth/login?returnTo=/">
            Sign in through the identity provider
          </a>{' '}
          (a real OpenID Provider at {config.idp.issuer}, started by the demo: any name, no password; the
          session gets the demo policy, capped at the IdP session's lifetime).
        </p>
      ) : null}
    </section>
  )
}
