import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createSealer } from '../sealing'
import { arriveAt, loginAtIdp, type OidcFleet, pageJson, SECRET, startOidcFleet } from './fixture'

// Real browser, real IdP, real Redis: each sign-in is several navigations on a shared 2-core machine.
vi.setConfig({ testTimeout: 120_000 })

let fleet: OidcFleet
beforeAll(async () => {
  fleet = await startOidcFleet()
}, 60_000)
afterAll(() => fleet?.close())

interface Me {
  subject: string
  handle: string
  authTime: number
  absoluteExpiresAt: number
  page: string
}

const HOUR = 3_600_000
const MINUTE = 60_000

async function signedInPage(name: string) {
  const context = await fleet.browser.newContext()
  const page = await context.newPage()
  await page.goto(`${fleet.a.app.url}/login`)
  await loginAtIdp(page, name)
  await arriveAt(page, `${fleet.a.app.url}/me`)
  return { context, page, me: await pageJson<Me>(page) }
}

describe('OIDC sign-in against a real OpenID Provider', () => {
  it('signs in through the IdP and starts a Curfew session for its subject', async () => {
    const { context, me } = await signedInPage('alice')
    expect(me).toMatchObject({ subject: 'alice', page: '/me' })
    expect(me.absoluteExpiresAt).toBe(me.authTime + HOUR)
    await context.close()
  })

  it('anchors the absolute deadline at auth_time even when the callback comes minutes later', async () => {
    const context = await fleet.browser.newContext()
    const page = await context.newPage()
    await page.goto(`${fleet.a.app.url}/login`)
    await loginAtIdp(page, 'bob')
    await arriveAt(page, `${fleet.a.app.url}/me`)
    const first = await pageJson<Me>(page)
    // Sign in at the IdP, then come back to the app three minutes later (by the app's clock).
    fleet.clock.offset = 3 * MINUTE
    try {
      await page.goto(`${fleet.a.app.url}/login`)
      await arriveAt(page, `${fleet.a.app.url}/me`)
      const later = await pageJson<Me>(page)
      expect(later.handle).not.toBe(first.handle)
      expect(later.authTime).toBe(first.authTime)
      expect(later.absoluteExpiresAt).toBe(first.authTime + HOUR)
      expect(later.absoluteExpiresAt).toBeLessThan(fleet.a.manager.now() + HOUR - 2 * MINUTE)
    } finally {
      fleet.clock.offset = 0
      await context.close()
    }
  })

  it('never moves the absolute deadline on silent SSO re-logins', async () => {
    const { context, page, me } = await signedInPage('carol')
    const deadlines: number[] = []
    try {
      for (const offset of [2, 4]) {
        fleet.clock.offset = offset * MINUTE
        await page.goto(`${fleet.a.app.url}/login`)
        await arriveAt(page, `${fleet.a.app.url}/me`)
        deadlines.push((await pageJson<Me>(page)).absoluteExpiresAt)
      }
    } finally {
      fleet.clock.offset = 0
      await context.close()
    }
    expect(deadlines).toEqual([me.absoluteExpiresAt, me.absoluteExpiresAt])
  })

  it('refuses a replayed callback (state used once) and a forged transaction (nonce)', async () => {
    const context = await fleet.browser.newContext()
    const page = await context.newPage()
    let callbackUrl = ''
    page.on('request', (request) => {
      if (request.url().includes('/callback?')) callbackUrl = request.url()
    })
    await page.goto(`${fleet.a.app.url}/login`)
    const transaction = (await context.cookies()).find((cookie) => cookie.name === 'curfew-oidc')
    expect(transaction).toBeDefined()
    await loginAtIdp(page, 'dave')
    await arriveAt(page, `${fleet.a.app.url}/me`)
    const replay = await context.request.get(callbackUrl, {
      headers: { cookie: `curfew-oidc=${transaction!.value}` },
      maxRedirects: 0,
    })
    expect(replay.status()).toBe(400)
    expect(await replay.json()).toMatchObject({ reason: 'state_replayed' })
    const missing = await context.request.get(callbackUrl, { maxRedirects: 0 })
    expect(await missing.json()).toMatchObject({ reason: 'transaction_missing' })

    // The same browser starts a sign-in; its transaction is swapped for one with another nonce.
    const sealer = createSealer({ secret: SECRET, purpose: 'transaction' })
    const start = await context.request.get(`${fleet.a.app.url}/login`, { maxRedirects: 0 })
    const cookie = (await context.cookies()).find((c) => c.name === 'curfew-oidc')!
    const forged = { ...JSON.parse(sealer.open(cookie.value)!), nonce: 'not-the-nonce-sent' }
    await context.addCookies([{ ...cookie, value: sealer.seal(JSON.stringify(forged)) }])
    await page.goto(start.headers().location!)
    await arriveAt(page, /\/callback\?/)
    expect(await pageJson(page)).toMatchObject({ reason: 'nonce_mismatch' })
    await context.close()
  })

  it('steps up with max_age and prompt=login: old logins refused, a fresh one passes, no loop', async () => {
    const { context, page, me } = await signedInPage('erin')
    try {
      fleet.clock.offset = 2 * MINUTE
      // An API client learns the max_age it must meet.
      const api = await context.request.get(`${fleet.a.app.url}/admin`, {
        headers: { accept: 'application/json' },
      })
      expect(api.status()).toBe(401)
      expect(await api.json()).toMatchObject({ error: 'reauth_required', max_age: 60 })
      expect(api.headers()['www-authenticate']).toContain('max_age=60')

      // max_age alone: the IdP answers from its session with the old auth_time, and the callback refuses it.
      await page.goto(`${fleet.a.app.url}/stepup-silent`)
      await arriveAt(page, /\/callback\?/)
      expect(await pageJson(page)).toMatchObject({ error: 'reauth_required', reason: 'reauth_required' })

      // A browser is sent to the IdP with prompt=login, signs in again, and lands on the route.
      let authorize = ''
      page.on('request', (request) => {
        if (request.url().includes('/auth?')) authorize = request.url()
      })
      await page.goto(`${fleet.a.app.url}/admin`, { waitUntil: 'commit' })
      await arriveAt(page, /\/interaction\//)
      expect(new URL(authorize).searchParams.get('prompt')).toBe('login')
      expect(new URL(authorize).searchParams.get('max_age')).toBe('60')
      fleet.clock.offset = 0
      // auth_time has whole seconds: log in again in a later second than the first login, or the fresh
      // login could not be told from the old one (seen once when both fell in one second).
      while (Date.now() < me.authTime + 1000) await new Promise((resolve) => setTimeout(resolve, 50))
      await loginAtIdp(page, 'erin')
      await arriveAt(page, `${fleet.a.app.url}/admin`)
      const raised = await pageJson<Me>(page)
      expect(raised).toMatchObject({ subject: 'erin', page: '/admin' })
      expect(raised.authTime).toBeGreaterThan(me.authTime)
      // The session from before the step-up is gone: the step-up replaced it.
      expect(await fleet.a.manager.validate(me.handle)).toMatchObject({ ok: false })
      expect((await fleet.a.manager.list('erin')).map((s) => s.handle)).toEqual([raised.handle])
    } finally {
      fleet.clock.offset = 0
      await context.close()
    }
  })

  it('refuses a step-up done as another user and leaves the session as it was', async () => {
    const { context, page, me } = await signedInPage('frank')
    // Switching accounts ends frank's IdP session, whose back-channel logout would end his Curfew
    // session before the callback; drop it here so the callback itself must refuse the other user.
    fleet.b.app.dropBackchannel = true
    try {
      fleet.clock.offset = 2 * MINUTE
      await page.goto(`${fleet.a.app.url}/admin`, { waitUntil: 'commit' })
      fleet.clock.offset = 0
      await loginAtIdp(page, 'mallory')
      await arriveAt(page, /\/callback\?/)
      expect(await pageJson(page)).toMatchObject({ reason: 'subject_mismatch' })
      await page.goto(`${fleet.a.app.url}/me`)
      expect(await pageJson<Me>(page)).toMatchObject({ subject: 'frank', handle: me.handle })
      expect(await fleet.a.manager.list('mallory')).toEqual([])
    } finally {
      fleet.b.app.dropBackchannel = false
      fleet.clock.offset = 0
      await context.close()
    }
  })
})
