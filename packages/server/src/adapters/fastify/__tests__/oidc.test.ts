import { randomUUID } from 'node:crypto'
import { launchChromium } from '@curfew/testing'
import { type DevIdp, startDevIdp } from '@curfew/testing/devIdp'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createSessionManager } from '../../../manager/createSessionManager'
import { createOidcRelyingParty } from '../../../oidc/relyingParty'
import type { SessionManager } from '../../../types'
import { fastifyCurfew, oidcRoutes } from '../index'

// Real browser, real IdP: each sign-in is several navigations on a shared 2-core machine.
vi.setConfig({ testTimeout: 90_000 })

const CLIENT_ID = 'fastify-app'
const CLIENT_SECRET = 'fastify-app-secret-fastify-app-secret'
let idp: DevIdp
let browser: Browser
let manager: SessionManager
let origin: string
let app: FastifyInstance

beforeAll(async () => {
  app = Fastify()
  // The port exists before the IdP (which must know the callback URL) and the routes are registered.
  const port = await new Promise<number>((resolve, reject) => {
    const probe = Fastify()
    probe.listen({ port: 0, host: '127.0.0.1' }, (error) => {
      if (error) reject(error)
      const address = probe.server.address()
      void probe.close().then(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
  origin = `http://localhost:${port}`
  idp = await startDevIdp({
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${origin}/auth/callback`],
        post_logout_redirect_uris: [`${origin}/`],
        backchannel_logout_uri: `http://127.0.0.1:${port}/auth/backchannel-logout`,
        backchannel_logout_session_required: true,
      },
    ],
  })
  manager = createSessionManager({ policy: { idleTimeout: '30m', absoluteTimeout: '1h' } })
  const rp = createOidcRelyingParty({
    manager,
    issuer: idp.issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: `${origin}/auth/callback`,
    postLogoutRedirectUri: `${origin}/`,
    secret: `fastify-adapter-oidc-secret-${randomUUID()}`,
    allowInsecureRequests: true,
  })
  await app.register(fastifyCurfew, { manager })
  await app.register(oidcRoutes(rp), { prefix: '/auth' })
  app.get('/', async () => 'home')
  await app.listen({ port, host: '127.0.0.1' })
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await idp?.close()
  await app?.close()
  await manager?.close()
})

async function signIn(name: string): Promise<BrowserContext> {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${origin}/auth/login?returnTo=/session`)
  await page.waitForURL(/\/interaction\//, { timeout: 45_000 })
  await page.fill('input[name=login]', name)
  await page.click('button[type=submit]')
  await page.waitForURL(`${origin}/session`, { timeout: 45_000 })
  expect(JSON.parse((await page.textContent('body')) ?? '{}')).toMatchObject({
    state: 'active',
    subject: name,
  })
  return context
}

describe('Fastify adapter: oidcRoutes against a real OpenID Provider', () => {
  it('signs in, ends the session on the IdP back-channel logout, and refuses garbage with 400', async () => {
    const context = await signIn('rosa')
    const before = idp.backchannelDeliveries.length
    const page = context.pages()[0]!
    await page.goto(`${idp.issuer}/session/end`)
    await idp.deliveries(before + 1)
    expect(idp.backchannelDeliveries.at(-1)).toMatchObject({ status: 200 })
    const after = await context.request.get(`${origin}/session`)
    expect(after.status()).toBe(401)
    expect(await after.json()).toMatchObject({ reason: 'idp_logout' })

    const bad = await fetch(`${origin}/auth/backchannel-logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'logout_token=garbage',
    })
    expect(bad.status).toBe(400)
    expect(bad.headers.get('cache-control')).toBe('no-store')
    expect(await bad.json()).toMatchObject({ error: 'invalid_request' })
    await context.close()
  })

  it('signs out at the IdP (RP-initiated logout): 303 to end_session with id_token_hint, cookie cleared', async () => {
    const context = await signIn('sami')
    const forged = await context.request.post(`${origin}/auth/logout`, {
      headers: { origin: 'https://evil.example' },
      maxRedirects: 0,
    })
    expect(forged.status()).toBe(403)
    expect((await context.request.get(`${origin}/session`)).status()).toBe(200)

    const out = await context.request.post(`${origin}/auth/logout`, { headers: { origin }, maxRedirects: 0 })
    expect(out.status()).toBe(303)
    const location = new URL(out.headers().location ?? '')
    expect(`${location.origin}`).toBe(idp.issuer)
    expect(location.searchParams.get('id_token_hint')).toBeTruthy()
    expect(location.searchParams.get('post_logout_redirect_uri')).toBe(`${origin}/`)
    expect(out.headers()['set-cookie']).toContain('Max-Age=0')
    const after = await context.request.get(`${origin}/session`)
    expect(after.status()).toBe(401)
    await context.close()
  })

  it('answers a wrong method 405, an unreadable or oversized back-channel body 400, never a 5xx', async () => {
    const wrong = await app.inject({ method: 'GET', url: '/auth/backchannel-logout' })
    expect(wrong.statusCode).toBe(405)
    expect(wrong.headers.allow).toBe('POST')
    const huge = await app.inject({
      method: 'POST',
      url: '/auth/backchannel-logout',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `logout_token=${'a'.repeat(70 * 1024)}`,
    })
    expect(huge.statusCode).toBe(400)
    expect(huge.json()).toMatchObject({ error: 'invalid_request' })
    const empty = await app.inject({ method: 'POST', url: '/auth/backchannel-logout' })
    expect(empty.statusCode).toBe(400)
    const typeless = await app.inject({
      method: 'POST',
      url: '/auth/backchannel-logout',
      headers: { 'content-type': '' },
      payload: 'x',
    })
    expect(typeless.statusCode).toBe(400)
    expect((await app.inject({ url: '/auth/unknown' })).statusCode).toBe(404)
  })

  it('answers 503 (not a stack trace) while the IdP cannot be reached', async () => {
    const offline = Fastify()
    const rp = createOidcRelyingParty({
      manager,
      issuer: 'http://127.0.0.1:9/',
      clientId: CLIENT_ID,
      redirectUri: `${origin}/auth/callback`,
      secret: `fastify-adapter-oidc-secret-${randomUUID()}`,
      allowInsecureRequests: true,
    })
    await offline.register(oidcRoutes(rp), { prefix: '/auth' })
    const response = await offline.inject({ url: '/auth/login' })
    expect(response.statusCode).toBe(503)
    expect(response.json()).toMatchObject({ error: 'temporarily_unavailable' })
    await offline.close()
  })
})
