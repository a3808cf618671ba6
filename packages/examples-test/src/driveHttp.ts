import { expect } from 'vitest'

/**
 * The flow every server example offers, driven as a non-browser client would: sign in, a protected
 * route, a session POST (same origin, and with `Curfew-Client: 1`), sign out, then the old cookie is refused.
 */
export async function driveSignInFlow(url: string): Promise<void> {
  const login = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'ada', password: 'lovelace' }),
  })
  expect(login.status).toBe(200)
  const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!
  expect((await login.json()) as { state: string }).toMatchObject({ state: 'active', subject: 'ada' })

  const refused = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'ada', password: 'wrong' }),
  })
  expect(refused.status).toBe(401)

  const me = await fetch(`${url}/api/me`, { headers: { cookie } })
  expect(me.status).toBe(200)
  expect(await me.json()).toEqual({ subject: 'ada' })
  expect(me.headers.get('curfew-session')).toMatch(/s=active/)

  // A browser's same-origin POST (Origin carries the port: Express 4's req.host used to drop it).
  const sameOrigin = await fetch(`${url}/session/activity`, {
    method: 'POST',
    headers: { cookie, origin: url },
  })
  expect(sameOrigin.status).toBe(200)
  const viaHeader = await fetch(`${url}/session/activity`, {
    method: 'POST',
    headers: { cookie, 'curfew-client': '1' },
  })
  expect(viaHeader.status).toBe(200)
  const crossSite = await fetch(`${url}/session/activity`, {
    method: 'POST',
    headers: { cookie, origin: 'https://evil.example' },
  })
  expect(crossSite.status).toBe(403)

  const logout = await fetch(`${url}/logout`, { method: 'POST', headers: { cookie, 'curfew-client': '1' } })
  expect(logout.status).toBe(200)
  const after = await fetch(`${url}/api/me`, { headers: { cookie } })
  expect(after.status).toBe(401)
  expect(await after.json()).toMatchObject({ error: 'session_expired', reason: 'logout' })
}
