import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { arriveAt, loginAtIdp, type OidcFleet, pageJson, startOidcFleet } from './fixture'

vi.setConfig({ testTimeout: 120_000 })

let fleet: OidcFleet
beforeAll(async () => {
  fleet = await startOidcFleet({ livenessInterval: '1m' })
}, 60_000)
afterAll(() => fleet?.close())

const MINUTE = 60_000

describe('IdP session lifetime', () => {
  it('ends the Curfew session with idp_session_ended once the IdP session is over (refresh-token check)', async () => {
    const context = await fleet.browser.newContext()
    const page = await context.newPage()
    await page.goto(`${fleet.a.app.url}/login`)
    await loginAtIdp(page, 'kim')
    await arriveAt(page, `${fleet.a.app.url}/me`)
    const me = await pageJson<{ handle: string }>(page)
    try {
      // Due for a check while the IdP session lives: the refresh-token grant succeeds (and rotates).
      fleet.clock.offset = 2 * MINUTE
      expect((await context.request.get(`${fleet.a.app.url}/me`)).status()).toBe(200)

      // The IdP session times out (no logout, no back-channel notice). Before the next check is due,
      // Curfew cannot know; at the next check it ends the session.
      await fleet.idp.expireSessions()
      expect((await context.request.get(`${fleet.a.app.url}/me`)).status()).toBe(200)
      fleet.clock.offset = 4 * MINUTE
      const ended = await context.request.get(`${fleet.a.app.url}/me`)
      expect(ended.status()).toBe(401)
      expect(await ended.json()).toMatchObject({ reason: 'idp_session_ended' })

      // Fleet-wide: the other server refuses the same session with the same reason.
      const elsewhere = await fleet.b.manager.validate(me.handle)
      expect(elsewhere).toMatchObject({ ok: false })
      expect(fleet.a.events).toContainEqual(
        expect.objectContaining({ type: 'session.revoked', reason: 'idp_session_ended', session: me.handle }),
      )
    } finally {
      fleet.clock.offset = 0
      await context.close()
    }
  })

  it('runs the check once across the fleet when many requests arrive together', async () => {
    const context = await fleet.browser.newContext()
    const page = await context.newPage()
    await page.goto(`${fleet.a.app.url}/login`)
    await loginAtIdp(page, 'lee')
    await arriveAt(page, `${fleet.a.app.url}/me`)
    const me = await pageJson<{ handle: string }>(page)
    try {
      fleet.clock.offset = 2 * MINUTE
      await fleet.idp.expireSessions()
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? fleet.a.rp : fleet.b.rp).checkIdpSession(me)),
      )
      // One server asked the IdP and ended the session; the others carried on for that instant.
      expect(results.filter((r) => !r.alive)).toHaveLength(1)
    } finally {
      fleet.clock.offset = 0
      await context.close()
    }
  })
})
