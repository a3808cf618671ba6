import { describe, expect, it } from 'vitest'
import type { ConformanceTarget } from './harness'
import { MINUTE, sessionHeaderOf, setCookieOf, startEnv, T0 } from './harness'
import { SwitchableStore } from './outage'

/**
 * What each adapter used to write for itself and now takes from the protocol layer: `optional`
 * sessions, the recent-authentication guard (including its "no session" answer) and the sign-out
 * result. Every adapter must answer these byte for byte alike.
 */
export function adapterPartsSuite(target: ConformanceTarget): void {
  describe('optional sessions, recent authentication and sign-out results', () => {
    it('lets an anonymous request through an optional route, and a live session counts as usual', async () => {
      const env = await startEnv(target)
      try {
        const anonymous = await env.request('GET', '/optional/me')
        expect(anonymous.status).toBe(200)
        expect(await anonymous.json()).toEqual({ subject: null })
        expect(anonymous.headers.getSetCookie()).toEqual([])
        expect(anonymous.headers.get('curfew-session')).toBeNull()
        const { cookie } = await env.login()
        env.clock.advance(MINUTE)
        const signedIn = await env.request('GET', '/optional/me', { cookie })
        expect(signedIn.status).toBe(200)
        expect(await signedIn.json()).toEqual({ subject: 'user-42' })
        expect(sessionHeaderOf(signedIn)).toMatchObject({ idleExpiresAt: T0 + 16 * MINUTE })
      } finally {
        await env.close()
      }
    })

    it('clears the cookie of an ended session on an optional route and answers as anonymous', async () => {
      const env = await startEnv(target)
      try {
        const { cookie } = await env.login()
        env.clock.advance(15 * MINUTE)
        const response = await env.request('GET', '/optional/me', { cookie })
        expect(response.status).toBe(200)
        expect(await response.json()).toEqual({ subject: null })
        expect(setCookieOf(response)).toMatch(/^curfew_session=; Max-Age=0;/)
        expect(response.headers.get('www-authenticate')).toBeNull()
      } finally {
        await env.close()
      }
    })

    it('still answers 503 on an optional route when the store is down and configured to say so', async () => {
      const store = new SwitchableStore(() => T0)
      const env = await startEnv(target, { store, onStoreError: 'unavailable' })
      try {
        const { cookie } = await env.login()
        store.down = true
        const response = await env.request('GET', '/optional/me', { cookie })
        expect(response.status).toBe(503)
        expect(await response.json()).toMatchObject({ error: 'store_unavailable' })
      } finally {
        await env.close()
      }
    })

    it("answers requireRecentAuth without a session 401 no_session, stamped with the manager's clock", async () => {
      const env = await startEnv(target)
      try {
        env.clock.advance(7 * MINUTE)
        const response = await env.request('GET', '/optional/sensitive')
        expect(response.status).toBe(401)
        expect(await response.json()).toMatchObject({
          error: 'no_session',
          reason: 'missing',
          serverTime: T0 + 7 * MINUTE,
        })
        expect(response.headers.get('www-authenticate')).toBe('Bearer realm="curfew"')
      } finally {
        await env.close()
      }
    })

    it('applies requireRecentAuth after an optional session: through within maxAge, reauth_required past it', async () => {
      const env = await startEnv(target)
      try {
        const { cookie } = await env.login()
        env.clock.advance(5 * MINUTE)
        const recent = await env.request('GET', '/optional/sensitive', { cookie })
        expect(recent.status).toBe(200)
        expect(await recent.json()).toEqual({ subject: 'user-42' })
        env.clock.advance(1)
        const stale = await env.request('GET', '/optional/sensitive', { cookie })
        expect(stale.status).toBe(401)
        expect(await stale.json()).toMatchObject({
          error: 'reauth_required',
          reason: 'auth_too_old',
          serverTime: T0 + 5 * MINUTE + 1,
        })
        expect(stale.headers.get('www-authenticate')).toBe(
          'Bearer realm="curfew", error="insufficient_user_authentication", error_description="authentication too old", max_age=300',
        )
      } finally {
        await env.close()
      }
    })

    it('refuses a cross-site sign-out with 403 csrf and revokes nothing', async () => {
      const env = await startEnv(target)
      try {
        const { cookie } = await env.login()
        const response = await env.request('POST', '/signout', {
          cookie,
          headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
          body: 'x=1',
        })
        expect(response.status).toBe(403)
        expect(await response.json()).toEqual({
          error: 'csrf',
          reason: 'cross_site',
          serverTime: T0,
          message: expect.any(String),
        })
        expect(setCookieOf(response)).toBeUndefined()
        expect((await env.request('GET', '/api/me', { cookie })).status).toBe(200)
      } finally {
        await env.close()
      }
    })

    it('answers a sign-out during a store outage 503 store_unavailable, keeping the cookie', async () => {
      const store = new SwitchableStore(() => T0)
      const env = await startEnv(target, { store })
      try {
        const { cookie } = await env.login()
        store.down = true
        const response = await env.request('POST', '/signout', { cookie, headers: { origin: env.url } })
        expect(response.status).toBe(503)
        expect(await response.json()).toMatchObject({
          error: 'store_unavailable',
          reason: 'store_unavailable',
        })
        expect(setCookieOf(response)).toBeUndefined()
        store.down = false
        expect((await env.request('GET', '/api/me', { cookie })).status).toBe(200)
      } finally {
        await env.close()
      }
    })
  })
}
