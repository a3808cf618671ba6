import { request as httpRequest } from 'node:http'
import { parseSessionHeader } from '@curfew/core'
import { verifyAccessToken } from '@curfew/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningGateway, startGateway } from '../index'

let gateway: RunningGateway
let now = 1_800_000_000_000
const secret = 'a-test-secret-that-is-at-least-32-bytes-long'

beforeAll(async () => {
  gateway = await startGateway({
    config: {
      listen: { port: 0 },
      policies: {
        default: { idleTimeout: '10s', absoluteTimeout: '60s' },
        admin: { idleTimeout: '5s', absoluteTimeout: '30s' },
      },
      tiers: [{ policy: 'admin', paths: ['/admin/**'] }],
      passive: ['/api/poll', '/status/**'],
      public: ['/assets/**'],
      devSignIn: true,
      audit: false,
      accessToken: { secret, ttl: '1m' },
    },
    now: () => now,
  })
})
afterAll(async () => {
  await gateway?.close()
})

async function signIn(subject: string, policy?: string): Promise<string> {
  const body = new URLSearchParams({ subject, ...(policy ? { policy } : {}) })
  const response = await fetch(`${gateway.url}/curfew/signin`, {
    method: 'POST',
    body,
    // A browser sends Origin with every form POST; the gateway refuses a sign-in without it.
    headers: { accept: 'application/json', origin: gateway.url },
  })
  expect(response.status).toBe(200)
  const cookie = response.headers.getSetCookie()[0]!
  return cookie.split(';')[0]!
}

function auth(headers: Record<string, string>, query = ''): Promise<Response> {
  // The browser addressed the proxy on loopback, as in the nginx and Caddy tests (plain-HTTP cookie name).
  const host = new URL(gateway.url).host
  return fetch(`${gateway.url}/auth${query}`, {
    headers: { 'x-forwarded-host': host, ...headers },
    redirect: 'manual',
  })
}

describe('GET /auth', () => {
  it('answers 200 with the identity headers and Curfew-Session for a live session', async () => {
    const cookie = await signIn('ada')
    const response = await auth({ cookie, 'x-original-uri': '/page', 'x-original-method': 'GET' })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-curfew-subject')).toBe('ada')
    expect(response.headers.get('x-curfew-session')).toMatch(/^s_/)
    expect(response.headers.get('x-curfew-policy')).toBe('default')
    expect(parseSessionHeader(response.headers.get('curfew-session')!)?.state).toBe('active')
    expect(response.headers.get('cache-control')).toBe('no-store')
  })

  it('mints a short access JWT that never outlives the session', async () => {
    const cookie = await signIn('jwt-user')
    const response = await auth({ cookie, 'x-forwarded-uri': '/api/me', 'x-forwarded-method': 'GET' })
    const token = response.headers.get('x-curfew-token')!
    const verified = await verifyAccessToken(token, { secret, now: () => now })
    expect(verified.ok).toBe(true)
    if (verified.ok) {
      expect(verified.payload.sub).toBe('jwt-user')
      expect(verified.payload.exp! * 1000).toBeLessThanOrEqual(now + 10_000)
    }
  })

  it('answers 401 with a sign-in target when there is no cookie', async () => {
    const response = await auth({ 'x-original-uri': '/page?x=1', 'x-forwarded-host': 'app.test' })
    expect(response.status).toBe(401)
    const target = new URL(response.headers.get('x-curfew-signin')!)
    expect(target.pathname).toBe('/curfew/signin')
    expect(target.searchParams.get('rd')).toBe('http://app.test/page?x=1')
    expect((await response.json()).error).toBe('no_session')
  })

  it('redirects a browser navigation with ?redirect=1 (Caddy, Traefik) and keeps API calls at 401', async () => {
    const page = await auth({ 'x-forwarded-uri': '/page', accept: 'text/html' }, '?redirect=1')
    expect(page.status).toBe(302)
    expect(page.headers.get('location')).toContain('/curfew/signin?rd=')
    const api = await auth({ 'x-forwarded-uri': '/api', accept: 'application/json' }, '?redirect=1')
    expect(api.status).toBe(401)
  })

  it('answers 401 for a forged or malformed cookie', async () => {
    for (const value of ['A'.repeat(43), 'not a token', '"quoted"', 'x'.repeat(4000)]) {
      const response = await auth({ cookie: `curfew_session=${value}`, 'x-original-uri': '/page' })
      expect(response.status).toBe(401)
    }
  })

  it('answers 400 when the proxy did not say what the original request was', async () => {
    const cookie = await signIn('bob')
    const missing = await auth({ cookie })
    expect(missing.status).toBe(400)
    expect((await missing.json()).reason).toBe('missing_uri')
    expect((await auth({ cookie, 'x-original-uri': 'http://evil.test/' })).status).toBe(400)
    expect((await auth({ cookie, 'x-original-uri': '/a', 'x-original-method': 'G E T' })).status).toBe(400)
    expect((await auth({ cookie, 'x-original-uri': '/a', 'x-forwarded-host': 'bad host' })).status).toBe(400)
    expect((await auth({ cookie, 'x-original-uri': `/${'a'.repeat(9000)}` })).status).toBe(400)
  })

  it('never lets a public-looking path escape its prefix (encoded slash, dot or backslash)', async () => {
    for (const uri of [
      '/assets/..%2fadmin',
      '/assets/%2e%2e/admin',
      '/assets/../admin',
      '/assets\\..\\admin',
    ]) {
      expect([400, 401]).toContain((await auth({ 'x-original-uri': uri })).status)
    }
    expect((await auth({ 'x-original-uri': '/assets/..%2fadmin' })).status).toBe(400)
  })

  it('answers 431, never 500, for huge headers', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${gateway.url}/auth`, {
        headers: { 'x-original-uri': '/page', cookie: `curfew_session=${'x'.repeat(40_000)}` },
      })
      request.on('response', (response) => {
        response.resume()
        resolve(response.statusCode ?? 0)
      })
      request.on('error', reject)
      request.end()
    })
    expect(status).toBe(431)
  })

  it('lets public paths through without a session', async () => {
    const response = await auth({ 'x-original-uri': '/assets/app.js' })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-curfew-subject')).toBe('')
  })

  it('never extends the session on a passive path, and extends it on any other', async () => {
    const cookie = await signIn('dora')
    const deadline = async (uri: string, extra: Record<string, string> = {}) => {
      const response = await auth({ cookie, 'x-original-uri': uri, ...extra })
      expect(response.status).toBe(200)
      return parseSessionHeader(response.headers.get('curfew-session')!)!.idleExpiresAt
    }
    const first = await deadline('/api/poll')
    now += 4000
    expect(await deadline('/api/poll')).toBe(first)
    expect(await deadline('/status/x/y')).toBe(first)
    expect(await deadline('/api/data', { 'curfew-passive': '1' })).toBe(first)
    expect(await deadline('/api/data')).toBe(first + 4000)
  })

  it('needs a session of the path’s tier, and the sign-in target asks for it', async () => {
    const cookie = await signIn('erin')
    const refused = await auth({ cookie, 'x-original-uri': '/admin/users' })
    expect(refused.status).toBe(401)
    expect((await refused.json()).reason).toBe('policy_tier')
    expect(new URL(refused.headers.get('x-curfew-signin')!).searchParams.get('policy')).toBe('admin')
    const admin = await signIn('erin', 'admin')
    const allowed = await auth({ cookie: admin, 'x-original-uri': '/admin/users' })
    expect(allowed.status).toBe(200)
    expect(allowed.headers.get('x-curfew-policy')).toBe('admin')
  })

  it('refuses the session after its idle deadline', async () => {
    const cookie = await signIn('fay')
    now += 10_001
    const response = await auth({ cookie, 'x-original-uri': '/page' })
    expect(response.status).toBe(401)
    expect((await response.json()).reason).toBe('idle')
  })
})

describe('service routes', () => {
  it('serves the session protocol and the policy document for curfew check', async () => {
    const cookie = await signIn('gus')
    const status = await fetch(`${gateway.url}/session`, { headers: { cookie } })
    expect(status.status).toBe(200)
    expect((await status.json()).subject).toBe('gus')
    const policy = await (await fetch(`${gateway.url}/session/policy`)).json()
    expect(policy.policies.map((p: { name: string }) => p.name)).toEqual(['default', 'admin'])
  })

  it('answers /healthz and /readyz', async () => {
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200)
    expect(await (await fetch(`${gateway.url}/readyz`)).json()).toEqual({ status: 'ready' })
  })

  it('refuses a cross-site dev sign-in and an open redirect', async () => {
    const crossSite = await fetch(`${gateway.url}/curfew/signin`, {
      method: 'POST',
      body: new URLSearchParams({ subject: 'mallory' }),
      headers: { origin: 'https://evil.test' },
      redirect: 'manual',
    })
    expect(crossSite.status).toBe(403)
    // The same rule as @curfew/server's session routes: an opaque origin, or none and no
    // Sec-Fetch-Site: same-origin, is refused too.
    for (const headers of [{ origin: 'null' }, {}, { 'sec-fetch-site': 'same-site' }] as Record<
      string,
      string
    >[]) {
      const refused = await fetch(`${gateway.url}/curfew/signin`, {
        method: 'POST',
        body: new URLSearchParams({ subject: 'mallory' }),
        headers,
        redirect: 'manual',
      })
      expect(refused.status, JSON.stringify(headers)).toBe(403)
    }
    const sameOrigin = await fetch(`${gateway.url}/curfew/signin`, {
      method: 'POST',
      body: new URLSearchParams({ subject: 'sam' }),
      headers: { 'sec-fetch-site': 'same-origin', accept: 'application/json' },
    })
    expect(sameOrigin.status).toBe(200)
    const open = await fetch(`${gateway.url}/curfew/signin`, {
      method: 'POST',
      body: new URLSearchParams({ subject: 'hal', rd: 'https://evil.test/steal' }),
      headers: { origin: gateway.url },
      redirect: 'manual',
    })
    expect(open.status).toBe(303)
    expect(open.headers.get('location')).toBe('/')
  })
})
