import { describe, expect, it } from 'vitest'
import type { ConformanceTarget } from './harness'
import { MINUTE, setCookieOf, startEnv } from './harness'

const RENEWING = {
  idleTimeout: '15m',
  absoluteTimeout: '1h',
  touchInterval: 0,
  renewEvery: '10m',
  renewGrace: '30s',
}

/** Token rotation through the cookie, the grace window, and reuse detection. */
export function renewalSuite(target: ConformanceTarget): void {
  describe('renewal', () => {
    it('rotates the cookie; the old one works within the grace window, then trips reuse_detected', async () => {
      const env = await startEnv(target, { policy: RENEWING })
      try {
        const { cookie: original } = await env.login()
        env.clock.advance(10 * MINUTE)
        const renewed = await env.request('GET', '/api/me', { cookie: original })
        expect(renewed.status).toBe(200)
        const rotated = setCookieOf(renewed)!
        expect(rotated).toMatch(/^curfew_session=s_[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}; Max-Age=3000;/)
        const successor = rotated.split(';')[0]!
        expect(successor).not.toBe(original)

        // Another tab still holding the old cookie, inside the grace window: same successor.
        env.clock.advance(20_000)
        const concurrent = await env.request('GET', '/api/me', { cookie: original })
        expect(concurrent.status).toBe(200)
        expect(setCookieOf(concurrent)?.split(';')[0]).toBe(successor)
        expect((await env.request('GET', '/api/me', { cookie: successor })).status).toBe(200)

        // Past the grace window the old cookie is a stolen copy: the whole session ends.
        env.clock.advance(11_000)
        const reuse = await env.request('GET', '/api/me', { cookie: original })
        expect(reuse.status).toBe(401)
        expect(await reuse.json()).toMatchObject({ error: 'session_expired', reason: 'reuse_detected' })
        const after = await env.request('GET', '/api/me', { cookie: successor })
        expect(after.status).toBe(401)
        expect(await after.json()).toMatchObject({ reason: 'reuse_detected' })
      } finally {
        await env.close()
      }
    })

    it('hands a bearer client its renewed token in Curfew-Token, never a cookie', async () => {
      const env = await startEnv(target, { policy: RENEWING })
      try {
        const { token } = await env.login()
        env.clock.advance(10 * MINUTE)
        const renewed = await env.request('GET', '/api/me', { bearer: token })
        expect(renewed.status).toBe(200)
        expect(renewed.headers.getSetCookie()).toEqual([])
        expect(renewed.headers.get('cache-control')).toBe('no-store')
        const successor = renewed.headers.get('curfew-token')!
        expect(successor).toMatch(/^s_[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/)
        expect(successor).not.toBe(token)
        env.clock.advance(MINUTE)
        const next = await env.request('GET', '/api/me', { bearer: successor })
        expect(next.status).toBe(200)
        expect(next.headers.get('curfew-token')).toBeNull()
      } finally {
        await env.close()
      }
    })

    it('rotates through POST /session/refresh too', async () => {
      const env = await startEnv(target, { policy: RENEWING })
      try {
        const { cookie } = await env.login()
        env.clock.advance(10 * MINUTE)
        const response = await env.sdkPost('/session/refresh', { cookie })
        expect(response.status).toBe(200)
        const successor = setCookieOf(response)!.split(';')[0]!
        expect(successor).not.toBe(cookie)
        expect((await env.request('GET', '/session', { cookie: successor })).status).toBe(200)
      } finally {
        await env.close()
      }
    })
  })
}
