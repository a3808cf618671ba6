import { createHmac, randomUUID } from 'node:crypto'
import { importJWK, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { BACKCHANNEL_LOGOUT_EVENT } from '../../tokens/verifyLogoutToken'
import { arriveAt, CLIENT_ID, loginAtIdp, type OidcFleet, pageJson, startOidcFleet } from './fixture'

vi.setConfig({ testTimeout: 120_000 })

let fleet: OidcFleet
beforeAll(async () => {
  fleet = await startOidcFleet()
}, 60_000)
afterAll(() => fleet?.close())

async function signedInPage(name: string) {
  const context = await fleet.browser.newContext()
  const page = await context.newPage()
  await page.goto(`${fleet.a.app.url}/login`)
  await loginAtIdp(page, name)
  await arriveAt(page, `${fleet.a.app.url}/me`)
  return { context, page, me: await pageJson<{ handle: string; subject: string }>(page) }
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

async function logoutToken(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}) {
  const key = await importJWK(fleet.signingKey.privateJwk, 'RS256')
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({
    iss: fleet.idp.issuer,
    aud: CLIENT_ID,
    iat: now,
    exp: now + 120,
    jti: randomUUID(),
    sid: 'no-such-idp-session',
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: fleet.signingKey.kid, typ: 'logout+jwt', ...header })
    .sign(key)
}

async function postLogout(body: string, contentType = 'application/x-www-form-urlencoded') {
  return fetch(`http://127.0.0.1:${fleet.b.app.port}/backchannel`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  })
}

const form = (token: string) => new URLSearchParams({ logout_token: token }).toString()

describe('OIDC logout against a real OpenID Provider', () => {
  it('ends the session on another server when the IdP session ends (back-channel, one Redis)', async () => {
    const { context, page, me } = await signedInPage('grace')
    const before = fleet.idp.backchannelDeliveries.length
    // "Sign out everywhere" at the IdP itself: the OP posts a logout token to server B.
    await page.goto(`${fleet.idp.issuer}/session/end`)
    await fleet.idp.deliveries(before + 1)
    expect(fleet.idp.backchannelDeliveries.at(-1)).toMatchObject({ status: 200 })
    // The browser still holds its cookie for server A; A refuses it, with the IdP's reason.
    const response = await context.request.get(`${fleet.a.app.url}/me`)
    expect(response.status()).toBe(401)
    expect(await response.json()).toMatchObject({ error: 'session_expired', reason: 'idp_logout' })
    expect(fleet.b.events).toContainEqual(
      expect.objectContaining({ type: 'session.revoked', reason: 'idp_logout', session: me.handle }),
    )
    await context.close()
  })

  it('answers 200 when no session matches, and refuses a replay of the same token', async () => {
    const token = await logoutToken()
    const first = await postLogout(form(token))
    expect(first.status).toBe(200)
    expect(first.headers.get('cache-control')).toBe('no-store')
    const replay = await postLogout(form(token))
    expect(replay.status).toBe(400)
    expect(await replay.json()).toMatchObject({ error: 'invalid_request' })
  })

  it('refuses every hostile logout token with 400, touching no session and never answering 5xx', async () => {
    const { context, me } = await signedInPage('heidi')
    const now = Math.floor(Date.now() / 1000)
    const hmac = () => {
      const header = b64({ alg: 'HS256', kid: fleet.signingKey.kid, typ: 'logout+jwt' })
      const body = b64({
        iss: fleet.idp.issuer,
        aud: CLIENT_ID,
        iat: now,
        exp: now + 60,
        jti: 'h',
        sub: 'heidi',
      })
      const publicJwk = { kty: 'RSA', n: fleet.signingKey.privateJwk.n, e: fleet.signingKey.privateJwk.e }
      const mac = createHmac('sha256', JSON.stringify(publicJwk))
        .update(`${header}.${body}`)
        .digest('base64url')
      return `${header}.${body}.${mac}`
    }
    const replayed = await logoutToken({ sub: 'nobody' })
    await postLogout(form(replayed))
    const cases: Array<[string, string, string?]> = [
      ['wrong issuer', form(await logoutToken({ iss: 'https://evil.example', sub: 'heidi' }))],
      ['wrong audience', form(await logoutToken({ aud: 'another-client', sub: 'heidi' }))],
      [
        'alg none',
        form(`${b64({ alg: 'none' })}.${b64({ iss: fleet.idp.issuer, aud: CLIENT_ID, sub: 'heidi' })}.`),
      ],
      ['HMAC with the public key', form(hmac())],
      ['missing events', form(await logoutToken({ events: undefined, sub: 'heidi' }))],
      ['wrong events', form(await logoutToken({ events: { 'urn:x': {} }, sub: 'heidi' }))],
      ['with nonce', form(await logoutToken({ nonce: 'n', sub: 'heidi' }))],
      ['neither sid nor sub', form(await logoutToken({ sid: undefined }))],
      ['replayed jti', form(replayed)],
      ['expired', form(await logoutToken({ iat: now - 600, exp: now - 300, sub: 'heidi' }))],
      ['iat in the future', form(await logoutToken({ iat: now + 600, exp: now + 900, sub: 'heidi' }))],
      ['oversized', form(await logoutToken({ pad: 'x'.repeat(70_000), sub: 'heidi' }))],
      ['not a JWT', form('not-a-jwt')],
      ['no logout_token field', 'token=abc'],
      ['JSON instead of a form', JSON.stringify({ logout_token: 'x' }), 'application/json'],
      ['empty body', ''],
    ]
    const refused: string[] = []
    for (const [name, body, type] of cases) {
      const response = await postLogout(body, type)
      expect(response.status, name).toBe(400)
      expect(response.headers.get('cache-control'), name).toBe('no-store')
      expect(await response.json(), name).toMatchObject({ error: expect.any(String) })
      refused.push(name)
    }
    console.log(
      `hostile logout tokens at the back-channel route: ${refused.length}/${cases.length} refused with 400`,
    )
    const still = await context.request.get(`${fleet.a.app.url}/me`)
    expect(still.status()).toBe(200)
    expect(await still.json()).toMatchObject({ handle: me.handle })
    await context.close()
  })

  it('ends every session of a user with a sub-only logout token', async () => {
    const first = await signedInPage('ivan')
    const second = await signedInPage('ivan')
    expect(await fleet.b.manager.list('ivan')).toHaveLength(2)
    const response = await postLogout(form(await logoutToken({ sid: undefined, sub: 'ivan' })))
    expect(response.status).toBe(200)
    expect(await fleet.a.manager.list('ivan')).toEqual([])
    for (const { context } of [first, second]) {
      expect(await (await context.request.get(`${fleet.a.app.url}/me`)).json()).toMatchObject({
        reason: 'idp_logout',
      })
      await context.close()
    }
  })

  it('signs out through the IdP (RP-initiated logout) with id_token_hint, post_logout_redirect_uri and state', async () => {
    const { context, page } = await signedInPage('judy')
    let endSession: URL | undefined
    page.on('request', (request) => {
      if (request.url().includes('/session/end?')) endSession = new URL(request.url())
    })
    await page.goto(`${fleet.a.app.url}/logout`)
    await arriveAt(page, new RegExp(`^${fleet.a.app.url}/\\?state=bye`))
    expect(endSession?.searchParams.get('id_token_hint')).toMatch(/^ey/)
    expect(endSession?.searchParams.get('post_logout_redirect_uri')).toBe(`${fleet.a.app.url}/`)
    expect(endSession?.searchParams.get('state')).toBe('bye')
    expect(await fleet.a.manager.list('judy')).toEqual([])
    // The IdP session is over too: the next sign-in asks for a login again.
    await page.goto(`${fleet.a.app.url}/login`)
    await arriveAt(page, /\/interaction\//)
    await context.close()
  })
})

describe('rp.forgetSubject (GDPR Art. 17) after a real OIDC sign-in', () => {
  /** Every key under the fleet's prefix with its content, as SCAN finds them. */
  async function everything(): Promise<string> {
    const dump: string[] = []
    let cursor = '0'
    do {
      const [next, keys] = await fleet.redis.scan(cursor, 'MATCH', `${fleet.prefix}*`, 'COUNT', 500)
      cursor = next
      for (const key of keys) {
        const type = await fleet.redis.type(key)
        const value =
          type === 'string'
            ? await fleet.redis.get(key)
            : type === 'set'
              ? await fleet.redis.smembers(key)
              : type === 'zset'
                ? await fleet.redis.zrange(key, 0, -1)
                : type
        dump.push(`${key} ${JSON.stringify(value)}`)
      }
    } while (cursor !== '0')
    return dump.join('\n')
  }

  it('erases the sessions, the link with its sealed IdP tokens and the (iss, sub)/(iss, sid) index entries', async () => {
    const { context, me } = await signedInPage('forgetful-ivy')
    const other = await signedInPage('judy')
    const linkKey = `${fleet.prefix}oidc:link:{h:${me.handle}}`
    expect(await fleet.redis.get(linkKey)).toContain(me.subject)
    expect(
      (await everything()).split('\n').filter((line) => line.includes(me.handle)).length,
    ).toBeGreaterThan(1)

    expect(await fleet.a.rp.forgetSubject(me.subject)).toBe(1)

    const after = await everything()
    expect(after).not.toContain(me.subject)
    expect(after).not.toContain(me.handle)
    expect(after).toContain(other.me.handle) // another user's session and link stay
    const response = await context.request.get(`${fleet.a.app.url}/me`)
    expect(response.status()).toBe(401)
    expect(JSON.stringify(fleet.a.events.filter((e) => e.type === 'subject.forgotten'))).not.toContain(
      me.subject,
    )
    // A repeat finds nothing left.
    expect(await fleet.a.rp.forgetSubject(me.subject)).toBe(0)
    await context.close()
    await other.context.close()
  })
})
