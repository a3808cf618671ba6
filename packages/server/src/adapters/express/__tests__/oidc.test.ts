import { randomUUID } from 'node:crypto'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { launchChromium } from '@curfew/testing'
import { type DevIdp, startDevIdp } from '@curfew/testing/devIdp'
import express from 'express'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createSessionManager } from '../../../manager/createSessionManager'
import { createOidcRelyingParty } from '../../../oidc/relyingParty'
import type { SessionManager } from '../../../types'
import { sessionRoutes } from '../functions'
import { oidcRoutes } from '../oidc'

vi.setConfig({ testTimeout: 60_000 })

const CLIENT_ID = 'express-app'
const CLIENT_SECRET = 'express-app-secret-express-app-secret'
let idp: DevIdp
let browser: Browser
let manager: SessionManager
let origin: string
let server: Server

beforeAll(async () => {
  const app = express()
  server = app.listen(0, '127.0.0.1')
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  origin = `http://localhost:${(server.address() as AddressInfo).port}`
  idp = await startDevIdp({
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
    secret: `express-adapter-oidc-secret-${randomUUID()}`,
    allowInsecureRequests: true,
  })
  // The form parser first, as many apps mount it globally: the route reads the parsed form.
  app.use(express.urlencoded({ extended: false }))
  app.use('/auth', oidcRoutes(rp))
  app.use('/session', sessionRoutes(manager))
  app.get('/', (_req, res) => {
    res.send('home')
  })
  browser = await launchChromium()
}, 60_000)

afterAll(async () => {
  await browser?.close()
  await idp?.close()
  await manager?.close()
  server?.closeAllConnections()
  server?.close()
})

describe('Express adapter: oidcRoutes against a real OpenID Provider', () => {
  it('signs in, ends the session on the IdP back-channel logout, and refuses garbage with 400', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(`${origin}/auth/login?returnTo=/session`)
    await page.waitForURL(/\/interaction\//)
    await page.fill('input[name=login]', 'rita')
    await page.click('button[type=submit]')
    await page.waitForURL(`${origin}/session`)
    expect(JSON.parse((await page.textContent('body')) ?? '{}')).toMatchObject({
      state: 'active',
      subject: 'rita',
    })

    // A long-lived connection of this session (what @curfew/server/ws and the others watch) ends too.
    const cookie = (await context.cookies(origin)).find((c) => c.name.endsWith('curfew_session'))!
    const validated = await manager.validate(cookie.value, { activity: false })
    if (!validated.ok) throw new Error('the signed-in session does not validate')
    const connectionEnd = new Promise((resolve) => manager.watch(validated.session, resolve))

    const before = idp.backchannelDeliveries.length
    await page.goto(`${idp.issuer}/session/end`)
    await idp.deliveries(before + 1)
    expect(idp.backchannelDeliveries.at(-1)).toMatchObject({ status: 200 })
    expect(await connectionEnd).toEqual({ session: validated.session.handle, reason: 'idp_logout' })
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
    // The same 405 as the Fastify and fetch adapters (one reply, built in oidc/routes.ts).
    const wrong = await fetch(`${origin}/auth/backchannel-logout`)
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('POST')
    expect(wrong.headers.get('cache-control')).toBe('no-store')
    expect(await wrong.json()).toEqual({ error: 'method_not_allowed', reason: 'method_not_allowed' })
    await context.close()
  })
})
