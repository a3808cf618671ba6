import { describe, expect, it } from 'vitest'
import type { ConformanceTarget } from './harness'
import { startEnv } from './harness'

async function expectTyped(response: Response, status: number[]): Promise<any> {
  expect(status, `got ${response.status}`).toContain(response.status)
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  const body = await response.json()
  expect(body.error).toEqual(expect.any(String))
  return body
}

/** Whatever a client sends, the answer is a typed 4xx: never a 5xx, never a hang. */
export function hostileSuite(target: ConformanceTarget): void {
  describe('hostile input', () => {
    it('answers malformed and oversized cookies and bearer values with 401 malformed', async () => {
      const env = await startEnv(target)
      try {
        const cookies = [
          'curfew_session=%E0%A4%A',
          'curfew_session="unterminated',
          'curfew_session=a=b=c',
          `curfew_session=${'A'.repeat(8000)}`,
          'curfew_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
          ';;;=;curfew_session',
        ]
        for (const cookie of cookies) {
          const body = await expectTyped(await env.request('GET', '/api/me', { cookie }), [401])
          expect(['malformed', 'unknown', 'missing']).toContain(body.reason)
        }
        for (const authorization of [
          'Bearer',
          'Bearer a b c',
          `Bearer ${'x'.repeat(8000)}`,
          'Bearer \u00e9\u00ff',
        ]) {
          const response = await env.request('GET', '/api/me', { headers: { authorization } })
          const body = await expectTyped(response, [401])
          expect(body.reason).toBe('malformed')
          expect(response.headers.get('www-authenticate')).toMatch(
            /^Bearer realm="curfew", error="invalid_token"/,
          )
        }
      } finally {
        await env.close()
      }
    })

    it('answers bad bodies on session POSTs with 400 malformed_json and 413 body_too_large', async () => {
      const env = await startEnv(target)
      try {
        const { cookie } = await env.login()
        const headers = { 'curfew-client': '1', 'content-type': 'application/json' }
        const malformed = await env.request('POST', '/session/activity', { cookie, headers, body: '{"a":' })
        expect(await expectTyped(malformed, [400])).toMatchObject({
          error: 'bad_request',
          reason: 'malformed_json',
        })
        const huge = await env.request('POST', '/session/refresh', {
          cookie,
          headers,
          body: `"${'x'.repeat(100_000)}"`,
        })
        expect(await expectTyped(huge, [413])).toMatchObject({
          error: 'bad_request',
          reason: 'body_too_large',
        })
        const form = await env.request('POST', '/session/activity', {
          cookie,
          headers: { 'curfew-client': '1', 'content-type': 'application/x-www-form-urlencoded' },
          body: 'a=1',
        })
        expect(await expectTyped(form, [400])).toMatchObject({ reason: 'malformed_json' })
        const empty = await env.request('POST', '/session/activity', { cookie, headers, body: '{}' })
        expect(empty.status).toBe(200)
      } finally {
        await env.close()
      }
    })

    it('never answers 5xx to garbage headers, even oversized ones', async () => {
      const env = await startEnv(target)
      try {
        const { cookie } = await env.login()
        const attempts: Array<Record<string, string>> = [
          { 'curfew-passive': 'x'.repeat(4000), cookie },
          { origin: 'https://[bad', 'curfew-client': '1', cookie },
          { 'sec-fetch-site': '\u00ff', cookie },
          { cookie: `${cookie}; ${'junk'.repeat(2000)}` },
          { cookie: 'x'.repeat(20_000) },
        ]
        for (const headers of attempts) {
          for (const [method, path] of [
            ['GET', '/api/me'],
            ['GET', '/session'],
            ['POST', '/session/activity'],
          ] as const) {
            const response = await env.request(method, path, { headers })
            expect(response.status, `${method} ${path}`).toBeLessThan(500)
            await response.arrayBuffer()
          }
        }
      } finally {
        await env.close()
      }
    })
  })
}
