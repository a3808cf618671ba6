import { describe, expect, it } from 'vitest'
import { verifyAccessToken } from '../../src/index'
import type { ConformanceTarget } from './harness'
import { MINUTE, sessionHeaderOf, setCookieOf, startEnv, T0 } from './harness'

/** Sign-in, passive vs. active requests, idle and absolute expiry, logout, revocation, tightening. */
export function lifecycleSuite(target: ConformanceTarget): void {
  describe('session lifecycle', () => {
    it('signs in with an HttpOnly, SameSite=Lax cookie that lives exactly until the absolute deadline', async () => {
      const env = await startEnv(target)
      try {
        const response = await env.request('POST', '/login', {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ subject: 'user-42' }),
        })
        expect(response.status).toBe(200)
        const cookie = setCookieOf(response)!
        // Loopback: no Secure, so no __Host- prefix; everything else as in production.
        expect(cookie).toMatch(
          /^curfew_session=s_[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}; Max-Age=3600; Expires=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/,
        )
        const status = await response.json()
        expect(status).toMatchObject({
          state: 'active',
          subject: 'user-42',
          serverTime: T0,
          idleExpiresAt: T0 + 15 * MINUTE,
          absoluteExpiresAt: T0 + 60 * MINUTE,
          expiresBy: 'idle',
        })
        expect(response.headers.get('cache-control')).toBe('no-store')
      } finally {
        await env.close()
      }
    })

    it('answers GET /session passively: it reports the deadline without extending it', async () => {
      const env = await startEnv(target)
      try {
        const { cookie } = await env.login()
        env.clock.advance(10 * MINUTE)
        const response = await env.request('GET', '/session', { cookie })
        expect(response.status).toBe(200)
        const status = await response.json()
        expect(status).toMatchObject({
          state: 'active',
          serverTime: T0 + 10 * MINUTE,
          idleExpiresAt: T0 + 15 * MINUTE,
        })
        expect(sessionHeaderOf(response).idleExpiresAt).toBe(T0 + 15 * MINUTE)
        env.clock.advance(5 * MINUTE)
        const expired = await env.request('GET', '/session', { cookie })
        expect(expired.status).toBe(401)
        expect(await expired.json()).toMatchObject({ error: 'session_expired', reason: 'idle' })
      } finally {
        await env.close()
      }
    })

    it('extends the idle deadline on POST /session/activity and on ordinary app requests', async () => {
      const env = await startEnv(target)
      try {
        const { cookie } = await env.login()
        env.clock.advance(10 * MINUTE)
        const activity = await env.sdkPost('/session/activity', { cookie })
        expect(activity.status).toBe(200)
        expect(await activity.json()).toMatchObject({ state: 'active', idleExpiresAt: T0 + 25 * MINUTE })
        env.clock.advance(10 * MINUTE)
        const app = await env.request('GET', '/api/me', { cookie })
        expect(app.status).toBe(200)
        expect(await app.json()).toMatchObject({ subject: 'user-42' })
        expect(sessionHeaderOf(app).idleExpiresAt).toBe(T0 + 35 * MINUTE)
      } finally {
        await env.close()
      }
    })

    it('ends an idle session with 401 session_expired reason idle and clears the cookie', async () => {
      const env = await startEnv(target)
      try {
        const { cookie } = await env.login()
        env.clock.advance(15 * MINUTE)
        const response = await env.request('GET', '/api/me', { cookie })
        expect(response.status).toBe(401)
        expect(await response.json()).toEqual({
          error: 'session_expired',
          reason: 'idle',
          serverTime: T0 + 15 * MINUTE,
          message: expect.any(String),
        })
        expect(response.headers.get('www-authenticate')).toBe(
          'Bearer realm="curfew", error="invalid_token", error_description="session expired: idle"',
        )
        expect(setCookieOf(response)).toMatch(/^curfew_session=; Max-Age=0;/)
        // A raw client replaying the old cookie keeps getting the reason, not "unknown".
        const replay = await env.request('GET', '/api/me', { cookie })
        expect(await replay.json()).toMatchObject({ error: 'session_expired', reason: 'idle' })
      } finally {
        await env.close()
      }
    })

    it('ends a session at the absolute deadline despite continuous activity', async () => {
      const env = await startEnv(target)
      try {
        const { cookie } = await env.login()
        for (let minute = 5; minute < 60; minute += 5) {
          env.clock.advance(5 * MINUTE)
          const response = await env.sdkPost('/session/activity', { cookie })
          expect(response.status).toBe(200)
          const status = await response.json()
          expect(status.absoluteExpiresAt).toBe(T0 + 60 * MINUTE)
          expect(status.expiresAt).toBeLessThanOrEqual(T0 + 60 * MINUTE)
        }
        env.clock.advance(5 * MINUTE)
        const response = await env.request('GET', '/api/me', { cookie })
        expect(response.status).toBe(401)
        expect(await response.json()).toMatchObject({ error: 'session_expired', reason: 'absolute' })
      } finally {
        await env.close()
      }
    })

    it('logs out: 200 expired/logout, cookie cleared, and a replayed cookie gets 401 reason logout', async () => {
      const env = await startEnv(target)
      try {
        const { cookie } = await env.login()
        env.clock.advance(MINUTE)
        const response = await env.sdkPost('/session/logout', { cookie })
        expect(response.status).toBe(200)
        expect(await response.json()).toMatchObject({
          state: 'expired',
          reason: 'logout',
          subject: 'user-42',
        })
        expect(setCookieOf(response)).toMatch(/^curfew_session=; Max-Age=0;/)
        expect(sessionHeaderOf(response)).toMatchObject({ state: 'expired', reason: 'logout' })
        const replay = await env.request('GET', '/api/me', { cookie })
        expect(replay.status).toBe(401)
        expect(await replay.json()).toMatchObject({ error: 'session_expired', reason: 'logout' })
      } finally {
        await env.close()
      }
    })

    it("signs out through the app's own route with signOut", async () => {
      const env = await startEnv(target)
      try {
        const { cookie } = await env.login()
        const response = await env.request('POST', '/signout', { cookie, headers: { origin: env.url } })
        expect(response.status).toBe(200)
        expect((await response.json()).status).toMatchObject({ state: 'expired', reason: 'logout' })
        expect(setCookieOf(response)).toMatch(/^curfew_session=; Max-Age=0;/)
        const replay = await env.request('GET', '/api/me', { cookie })
        expect(await replay.json()).toMatchObject({ reason: 'logout' })
        const anonymous = await env.request('POST', '/signout', { headers: { origin: env.url } })
        expect(anonymous.status).toBe(200)
        expect(await anonymous.json()).toEqual({ status: null })
      } finally {
        await env.close()
      }
    })

    it('refuses a revoked session with 401 reason revoked', async () => {
      const env = await startEnv(target)
      try {
        const { cookie, body } = await env.login()
        expect(await env.manager.revoke(body.session, 'revoked')).toBe(true)
        const response = await env.request('GET', '/api/me', { cookie })
        expect(response.status).toBe(401)
        expect(await response.json()).toMatchObject({ error: 'session_expired', reason: 'revoked' })
      } finally {
        await env.close()
      }
    })

    it('applies a tightened policy to live sessions at their next request', async () => {
      const env = await startEnv(target)
      try {
        const { cookie } = await env.login()
        env.clock.advance(6 * MINUTE)
        expect((await env.request('GET', '/session', { cookie })).status).toBe(200)
        await env.restart({ idleTimeout: '5m', absoluteTimeout: '1h', touchInterval: 0 })
        const response = await env.request('GET', '/api/me', { cookie })
        expect(response.status).toBe(401)
        expect(await response.json()).toMatchObject({ error: 'session_expired', reason: 'idle' })
      } finally {
        await env.close()
      }
    })

    it('does not extend the session for Curfew-Passive requests or passive routes', async () => {
      const env = await startEnv(target)
      try {
        const { cookie } = await env.login()
        env.clock.advance(10 * MINUTE)
        const header = await env.request('GET', '/api/me', { cookie, headers: { 'curfew-passive': '1' } })
        expect(header.status).toBe(200)
        expect(sessionHeaderOf(header).idleExpiresAt).toBe(T0 + 15 * MINUTE)
        const route = await env.request('GET', '/api/poll', { cookie })
        expect(route.status).toBe(200)
        expect(sessionHeaderOf(route).idleExpiresAt).toBe(T0 + 15 * MINUTE)
        env.clock.advance(5 * MINUTE)
        const expired = await env.request('GET', '/api/poll', { cookie })
        expect(await expired.json()).toMatchObject({ reason: 'idle' })
      } finally {
        await env.close()
      }
    })

    it('serves the public policy document without a session', async () => {
      const env = await startEnv(target)
      try {
        const response = await env.request('GET', '/session/policy')
        expect(response.status).toBe(200)
        const document = await response.json()
        expect(document).toMatchObject({ protocol: 'curfew/1', serverTime: T0, defaultPolicy: 'default' })
        expect(document.policies[0]).toMatchObject({
          idleTimeout: 15 * MINUTE,
          fingerprint: expect.any(String),
        })
      } finally {
        await env.close()
      }
    })

    it('counts POST /session/refresh as activity and adds no accessToken when tokens are off', async () => {
      const env = await startEnv(target)
      try {
        const { cookie } = await env.login()
        env.clock.advance(10 * MINUTE)
        const response = await env.sdkPost('/session/refresh', { cookie })
        expect(response.status).toBe(200)
        const status = await response.json()
        expect(status).toMatchObject({ state: 'active', idleExpiresAt: T0 + 25 * MINUTE })
        expect(status).not.toHaveProperty('accessToken')
      } finally {
        await env.close()
      }
    })

    it('adds an access JWT to POST /session/refresh when the manager mints them, never outliving the session', async () => {
      const secret = 'conformance-secret-of-at-least-32-bytes!'
      const env = await startEnv(target, {
        tokens: { secret, issuer: 'https://app.test', accessTokenTtl: '30m' },
      })
      try {
        const { cookie, body } = await env.login()
        env.clock.advance(10 * MINUTE)
        const response = await env.sdkPost('/session/refresh', { cookie })
        expect(response.status).toBe(200)
        const status = await response.json()
        expect(status.accessToken).toEqual(expect.any(String))
        const verified = await verifyAccessToken(status.accessToken, {
          secret,
          issuer: 'https://app.test',
          now: () => env.clock.now,
        })
        if (!verified.ok) throw new Error(`access token refused: ${verified.reason}`)
        expect(verified.payload).toMatchObject({ sub: 'user-42', sid: body.session })
        // The session's idle deadline (T0 + 25m) comes before now + 30m: the JWT stops there.
        expect(verified.payload.exp * 1000).toBeLessThanOrEqual(status.expiresAt)
        // Activity and status answers carry no token: only refresh mints one.
        expect(await (await env.sdkPost('/session/activity', { cookie })).json()).not.toHaveProperty(
          'accessToken',
        )
      } finally {
        await env.close()
      }
    })

    it('requires a recent sign-in on sensitive routes: 401 reauth_required past maxAge', async () => {
      const env = await startEnv(target)
      try {
        const { cookie } = await env.login()
        env.clock.advance(5 * MINUTE)
        expect((await env.request('GET', '/api/sensitive', { cookie })).status).toBe(200)
        env.clock.advance(1)
        const response = await env.request('GET', '/api/sensitive', { cookie })
        expect(response.status).toBe(401)
        expect(await response.json()).toMatchObject({ error: 'reauth_required', reason: 'auth_too_old' })
        expect(response.headers.get('www-authenticate')).toContain('max_age=300')
        // Reauthentication is not expiry: the cookie stays and the session still works elsewhere.
        expect(setCookieOf(response)).toBeUndefined()
        expect((await env.request('GET', '/api/me', { cookie })).status).toBe(200)
      } finally {
        await env.close()
      }
    })
  })
}
