import { describe, expect, it } from 'vitest'
import type { ConformanceTarget } from './harness'
import { MINUTE, sessionHeaderOf, startEnv, T0 } from './harness'

/** Bearer tokens, the Curfew-Session header and cross-site request forgery. */
export function transportSuite(target: ConformanceTarget): void {
  describe('transport', () => {
    it('sets a parseable Curfew-Session header on every authenticated answer', async () => {
      const env = await startEnv(target)
      try {
        const { cookie, body } = await env.login()
        for (const response of [
          await env.request('GET', '/api/me', { cookie }),
          await env.request('GET', '/session', { cookie }),
          await env.sdkPost('/session/activity', { cookie }),
        ]) {
          expect(response.status).toBe(200)
          expect(sessionHeaderOf(response)).toEqual({
            state: 'active',
            serverTime: T0,
            expiresAt: T0 + 15 * MINUTE,
            idleExpiresAt: T0 + 15 * MINUTE,
            absoluteExpiresAt: T0 + 60 * MINUTE,
            expiresBy: 'idle',
            session: body.session,
          })
        }
      } finally {
        await env.close()
      }
    })

    it('accepts Authorization: Bearer and answers bearer failures with an RFC 6750 challenge', async () => {
      const env = await startEnv(target)
      try {
        const { token } = await env.login()
        const ok = await env.request('GET', '/api/me', { bearer: token })
        expect(ok.status).toBe(200)
        expect(await ok.json()).toMatchObject({ subject: 'user-42' })
        expect(ok.headers.getSetCookie()).toEqual([])
        const none = await env.request('GET', '/api/me')
        expect(none.status).toBe(401)
        expect(none.headers.get('www-authenticate')).toBe('Bearer realm="curfew"')
        expect(await none.json()).toMatchObject({ error: 'no_session', reason: 'missing' })
        env.clock.advance(15 * MINUTE)
        const expired = await env.request('GET', '/api/me', { bearer: token })
        expect(expired.status).toBe(401)
        expect(expired.headers.get('www-authenticate')).toMatch(
          /^Bearer realm="curfew", error="invalid_token", error_description="[^"]+"$/,
        )
        expect(await expired.json()).toMatchObject({ error: 'session_expired', reason: 'idle' })
      } finally {
        await env.close()
      }
    })

    it('lets bearer clients use the session POSTs without CSRF headers (no ambient credential)', async () => {
      const env = await startEnv(target)
      try {
        const { token } = await env.login()
        env.clock.advance(MINUTE)
        const response = await env.request('POST', '/session/activity', {
          bearer: token,
          headers: { origin: 'https://elsewhere.example' },
        })
        expect(response.status).toBe(200)
        expect(await response.json()).toMatchObject({ idleExpiresAt: T0 + 16 * MINUTE })
      } finally {
        await env.close()
      }
    })

    it('refuses cross-site session POSTs with 403 csrf, and they record no activity', async () => {
      const env = await startEnv(target)
      try {
        const { cookie } = await env.login()
        env.clock.advance(10 * MINUTE)
        const forged: Array<Record<string, string>> = [
          { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
          { 'sec-fetch-site': 'cross-site' },
          {},
          { 'curfew-client': '1', 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
        ]
        for (const path of ['/session/activity', '/session/refresh', '/session/logout', '/signout']) {
          for (const headers of forged) {
            const response = await env.request('POST', path, { cookie, headers })
            expect(response.status, `${path} ${JSON.stringify(headers)}`).toBe(403)
            expect(await response.json()).toMatchObject({
              error: 'csrf',
              reason: 'cross_site',
              serverTime: env.clock.now,
            })
          }
        }
        const check = await env.request('GET', '/session', { cookie })
        expect(await check.json()).toMatchObject({ state: 'active', idleExpiresAt: T0 + 15 * MINUTE })
        // Same-origin requests pass without the SDK header.
        const same = await env.request('POST', '/session/activity', { cookie, headers: { origin: env.url } })
        expect(same.status).toBe(200)
        const fetchMeta = await env.request('POST', '/session/activity', {
          cookie,
          headers: { 'sec-fetch-site': 'same-origin' },
        })
        expect(fetchMeta.status).toBe(200)
      } finally {
        await env.close()
      }
    })

    it('answers a wrong method on a session route with 405 and Allow', async () => {
      const env = await startEnv(target)
      try {
        const response = await env.request('GET', '/session/logout')
        expect(response.status).toBe(405)
        expect(response.headers.get('allow')).toBe('POST')
        // Every refusal names a reason (the reliability suite found this one without).
        expect(await response.json()).toMatchObject({
          error: 'method_not_allowed',
          reason: 'method_not_allowed',
        })
        const post = await env.request('POST', '/session', { headers: { 'curfew-client': '1' } })
        expect(post.status).toBe(405)
      } finally {
        await env.close()
      }
    })
  })
}
