import { randomUUID } from 'node:crypto'
import { type DevIdp, startDevIdp } from '@curfew/testing/devIdp'
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningGateway, startGateway } from '../index'
import { Browser } from './support/browser'
import { freePort } from './support/upstreamApps'

const CLIENT_ID = 'curfew-gateway'
const CLIENT_SECRET = 'curfew-gateway-secret-curfew-gateway-secret'

describe('sign-in through a real OpenID Provider (oidc-provider)', () => {
  let idp: DevIdp
  let gateway: RunningGateway
  let privateJwk: JWK

  beforeAll(async () => {
    const port = await freePort()
    const origin = `http://127.0.0.1:${port}`
    const { privateKey } = await generateKeyPair('RS256', { extractable: true })
    privateJwk = { ...(await exportJWK(privateKey)), kid: 'gw-idp-1', alg: 'RS256', use: 'sig' }
    idp = await startDevIdp({
      jwks: { keys: [privateJwk] },
      clients: [
        {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          redirect_uris: [`${origin}/curfew/callback`],
          backchannel_logout_uri: `${origin}/curfew/backchannel-logout`,
        },
      ],
    })
    gateway = await startGateway({
      config: {
        listen: { port },
        policy: { idleTimeout: '15m', absoluteTimeout: '1h' },
        audit: false,
        oidc: {
          issuer: idp.issuer,
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          redirectUri: `${origin}/curfew/callback`,
          secret: 'a-gateway-oidc-secret-of-32-bytes-or-more',
          allowInsecureRequests: true,
        },
      },
    })
  })
  afterAll(async () => {
    await gateway?.close()
    await idp?.close()
  })

  /** Follows redirects like a browser, signing in at the IdP's form as `name`. */
  async function signInAtIdp(browser: Browser, start: string, name: string): Promise<string> {
    let url = start
    for (let hop = 0; hop < 12; hop++) {
      let response = await browser.fetch(url, { html: true })
      if (url.includes('/interaction/') && response.status === 200) {
        response = await browser.fetch(url, {
          method: 'POST',
          body: new URLSearchParams({ login: name }),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
      }
      const location = response.headers.get('location')
      if (!location) return url
      url = new URL(location, url).href
    }
    throw new Error('too many redirects')
  }

  function auth(browser: Browser): Promise<Response> {
    const cookie = [...browser.cookies].map(([n, v]) => `${n}=${v}`).join('; ')
    return fetch(`${gateway.url}/auth`, {
      headers: { cookie, 'x-original-uri': '/app', 'x-forwarded-host': new URL(gateway.url).host },
    })
  }

  it('signs in at the IdP, returns to the page, and forward auth passes with the IdP subject', async () => {
    const browser = new Browser()
    const landed = await signInAtIdp(browser, `${gateway.url}/curfew/signin?rd=/app/page`, 'ada')
    expect(landed).toBe(`${gateway.url}/app/page`)
    const response = await auth(browser)
    expect(response.status).toBe(200)
    expect(response.headers.get('x-curfew-subject')).toBe('ada')
  })

  it('back-channel logout from the IdP ends the session for every app behind the gateway', async () => {
    const browser = new Browser()
    await signInAtIdp(browser, `${gateway.url}/curfew/signin?rd=/`, 'bob')
    expect((await auth(browser)).status).toBe(200)
    const key = await importJWK(privateJwk, 'RS256')
    const logoutToken = await new SignJWT({
      sub: 'bob',
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
    })
      .setProtectedHeader({ alg: 'RS256', kid: privateJwk.kid!, typ: 'logout+jwt' })
      .setIssuer(idp.issuer)
      .setAudience(CLIENT_ID)
      .setIssuedAt()
      .setExpirationTime('2m')
      .setJti(randomUUID())
      .sign(key)
    const posted = await fetch(`${gateway.url}/curfew/backchannel-logout`, {
      method: 'POST',
      body: new URLSearchParams({ logout_token: logoutToken }),
    })
    expect(posted.status).toBe(200)
    const refused = await auth(browser)
    expect(refused.status).toBe(401)
    expect((await refused.json()).reason).toBe('idp_logout')
  })

  it('refuses a forged logout token with 400 and touches no session', async () => {
    const browser = new Browser()
    await signInAtIdp(browser, `${gateway.url}/curfew/signin?rd=/`, 'cyd')
    const posted = await fetch(`${gateway.url}/curfew/backchannel-logout`, {
      method: 'POST',
      body: new URLSearchParams({ logout_token: 'not.a.jwt' }),
    })
    expect(posted.status).toBe(400)
    expect((await auth(browser)).status).toBe(200)
  })
})
