import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { launchChromium, serveFetchApp } from '@curfew/testing'
import { type DevIdp, startDevIdp } from '@curfew/testing/devIdp'
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createSessionManager } from '../../../manager/createSessionManager'
import { createOidcRelyingParty } from '../../../oidc/relyingParty'
import { BACKCHANNEL_LOGOUT_EVENT } from '../../../tokens/verifyLogoutToken'
import type { SessionManager } from '../../../types'
import { createSessionHandler } from '../handler'
import { createOidcHandler } from '../oidc'

vi.setConfig({ testTimeout: 60_000 })

const CLIENT_ID = 'fetch-app'
const CLIENT_SECRET = 'fetch-app-secret-fetch-app-secret'
let idp: DevIdp
let browser: Browser
let manager: SessionManager
let origin: string
let privateJwk: JWK
let close: () => Promise<void>

beforeAll(async () => {
  let app: (request: Request) => Promise<Response> = async () => new Response('starting', { status: 503 })
  const server = serveFetchApp((request) => app(request))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://localhost:${(server.address() as AddressInfo).port}`
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  privateJwk = { ...(await exportJWK(privateKey)), kid: 'k1', alg: 'RS256', use: 'sig' }
  idp = await startDevIdp({
    jwks: { keys: [privateJwk] },
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${origin}/auth/callback`],
        post_logout_redirect_uris: [`${origin}/`],
        backchannel_logout_uri: `${origin.replace('localhost', '127.0.0.1')}/auth/backchannel-logout`,
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
    secret: `fetch-adapter-oidc-secret-${randomUUID()}`,
    allowInsecureRequests: true,
  })
  const oidc = createOidcHandler(rp)
  const session = createSessionHandler(manager)
  app = async (request) => {
    const path = new URL(request.url).pathname
    if (path === '/') return new Response('home')
    return (
      (await oidc(request)) ?? (await session.handle(request)) ?? new Response('not found', { status: 404 })
    )
  }
  browser = await launchChromium()
  close = async () => {
    await browser.close()
    await idp.close()
    await manager.close()
    server.closeAllConnections()
    server.close()
  }
}, 60_000)
afterAll(() => close?.())

async function signIn(name: string) {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${origin}/auth/login?returnTo=/session`)
  await page.waitForURL(/\/interaction\//)
  await page.fill('input[name=login]', name)
  await page.click('button[type=submit]')
  await page.waitForURL(`${origin}/session`)
  return { context, page, status: JSON.parse((await page.textContent('body')) ?? '{}') }
}

describe('fetch adapter: createOidcHandler against a real OpenID Provider', () => {
  it('signs in through the IdP and sets the same session cookie the session routes read', async () => {
    const { context, status } = await signIn('olivia')
    expect(status).toMatchObject({ state: 'active', subject: 'olivia' })
    const cookie = (await context.cookies()).find((c) => c.name === 'curfew_session')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' })
    await context.close()
  })

  it('ends the session on a back-channel logout and answers as §2.8 says', async () => {
    const { context } = await signIn('peter')
    const before = idp.backchannelDeliveries.length
    const page = await context.newPage()
    await page.goto(`${idp.issuer}/session/end`)
    await idp.deliveries(before + 1)
    const after = await context.request.get(`${origin}/session`)
    expect(after.status()).toBe(401)
    expect(await after.json()).toMatchObject({ error: 'session_expired', reason: 'idp_logout' })
    const key = await importJWK(privateJwk, 'RS256')
    const now = Math.floor(Date.now() / 1000)
    const token = await new SignJWT({
      iss: idp.issuer,
      aud: CLIENT_ID,
      iat: now,
      exp: now + 60,
      jti: randomUUID(),
      sid: 'gone',
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1', typ: 'logout+jwt' })
      .sign(key)
    const post = (body: string) =>
      fetch(`${origin}/auth/backchannel-logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      })
    const ok = await post(new URLSearchParams({ logout_token: token }).toString())
    expect(ok.status).toBe(200)
    expect(ok.headers.get('cache-control')).toBe('no-store')
    const bad = await post('logout_token=garbage')
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({ error: 'invalid_request' })
    expect((await fetch(`${origin}/auth/backchannel-logout`)).status).toBe(405)
    await context.close()
  })

  it('signs out through the IdP (POST /auth/logout → end_session_endpoint → back home)', async () => {
    // Signed in, the page shows /session; the form posts from there and must end back at /.
    const { context, page } = await signIn('quinn')
    await page.evaluate(() => {
      const form = document.createElement('form')
      form.method = 'POST'
      form.action = '/auth/logout'
      document.body.append(form)
      form.submit()
    })
    await page.waitForURL(`${origin}/`)
    expect(await manager.list('quinn')).toEqual([])
    const cross = await fetch(`${origin}/auth/logout`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
    })
    expect(cross.status).toBe(403)
    await context.close()
  })
})
