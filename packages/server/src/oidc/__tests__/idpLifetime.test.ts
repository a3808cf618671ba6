import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { arriveAt, loginAtIdp, type OidcFleet, pageJson, startOidcFleet } from './fixture'

// Real browser, real IdP, real Redis: each sign-in is several navigations on a shared 2-core machine.
vi.setConfig({ testTimeout: 90_000 })

const MINUTE = 60_000
const LIFETIME = 10 * MINUTE

let fleet: OidcFleet
beforeAll(async () => {
  // The policy's absolute timeout is 1 h; the IdP grants its sessions 10 minutes.
  fleet = await startOidcFleet({ idpSessionLifetime: '10m' })
}, 60_000)
afterAll(() => fleet?.close())

interface Me {
  subject: string
  handle: string
  authTime: number
  absoluteExpiresAt: number
  page: string
}

async function signedInPage(name: string) {
  const context = await fleet.browser.newContext()
  const page = await context.newPage()
  let authorize = ''
  page.on('request', (request) => {
    if (request.url().includes('/auth?')) authorize = request.url()
  })
  await page.goto(`${fleet.a.app.url}/login`)
  await loginAtIdp(page, name)
  await arriveAt(page, `${fleet.a.app.url}/me`)
  return { context, page, me: await pageJson<Me>(page), authorize: () => new URL(authorize) }
}

describe('IdP session lifetime as a per-session notAfter', () => {
  it('caps the absolute deadline at auth_time + idpSessionLifetime, on every server of the fleet', async () => {
    const { context, me, authorize } = await signedInPage('nina')
    try {
      // Asked with max_age = the lifetime, so the IdP never hands back an older authentication.
      expect(authorize().searchParams.get('max_age')).toBe('600')
      expect(me.absoluteExpiresAt).toBe(me.authTime + LIFETIME)
      const [session] = await fleet.b.manager.list('nina')
      expect(session?.notAfter).toBe(me.authTime + LIFETIME)

      fleet.clock.offset = me.authTime + LIFETIME - Date.now() - 1000
      expect((await context.request.get(`${fleet.a.app.url}/me`)).status()).toBe(200)
      fleet.clock.offset = me.authTime + LIFETIME - Date.now()
      const ended = await context.request.get(`${fleet.a.app.url}/me`)
      expect(ended.status()).toBe(401)
      expect(await ended.json()).toMatchObject({ error: 'session_expired', reason: 'absolute' })
      expect(await fleet.b.manager.validate(me.handle)).toMatchObject({ ok: false })
      expect(fleet.a.events.filter((e) => e.type === 'session.expired' && e.session === me.handle)).toEqual([
        expect.objectContaining({ reason: 'absolute' }),
      ])
    } finally {
      fleet.clock.offset = 0
      await context.close()
    }
  })

  it('keeps the IdP session cap across a step-up inside the same IdP session', async () => {
    const { context, page, me } = await signedInPage('pia')
    try {
      fleet.clock.offset = 2 * MINUTE
      await page.goto(`${fleet.a.app.url}/admin`, { waitUntil: 'commit' })
      await arriveAt(page, /\/interaction\//)
      fleet.clock.offset = 0
      // auth_time has whole seconds: log in again in a later second than the first login, or the two
      // would be indistinguishable.
      while (Date.now() < me.authTime + 1000) await new Promise((resolve) => setTimeout(resolve, 50))
      await loginAtIdp(page, 'pia')
      await arriveAt(page, `${fleet.a.app.url}/admin`)
      const raised = await pageJson<Me>(page)
      expect(raised.authTime).toBeGreaterThan(me.authTime)
      // A fresh login within the IdP session does not restart that session's lifetime.
      expect(raised.absoluteExpiresAt).toBe(me.absoluteExpiresAt)
    } finally {
      fleet.clock.offset = 0
      await context.close()
    }
  })
})
