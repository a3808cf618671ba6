import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, SCREENSHOTS, startDemoWithIdp } from './harness'

// Real clocks here (the IdP signs with real time): generous waits for a shared 2-core machine.
const WAIT = { timeout: 45_000 }
const IDP_SESSION = 8 * 60_000

let browser: Browser
let demo: Awaited<ReturnType<typeof startDemoWithIdp>>
let context: BrowserContext

beforeAll(async () => {
  browser = await launchBrowser()
  demo = await startDemoWithIdp({ idle: '2m', absolute: '10m', warn: '30s', idp: '8m' })
  context = await browser.newContext({ viewport: { width: 1200, height: 900 } })
})
afterAll(async () => {
  await context?.close()
  await demo?.close()
  await browser?.close()
})

describe('the demo signs in through a real OpenID Provider, in Chromium', () => {
  it('signs in at the dev IdP, caps the session at the IdP session, and "Sign out everywhere at the IdP" ends it live in every tab', async () => {
    const a = await context.newPage()
    await a.goto(demo.url)
    // Name-only sign-in stays the default; the IdP is offered next to it.
    await a.getByRole('button', { name: 'Sign in' }).waitFor(WAIT)
    await a.getByRole('link', { name: 'Sign in through the identity provider' }).click()
    await a.waitForURL(/\/interaction\//, WAIT)
    await a.fill('input[name=login]', 'ida')
    await a.click('button[type=submit]')
    await a.getByTestId('subject').filter({ hasText: 'ida' }).waitFor(WAIT)

    // The IdP session's lifetime (8 min) comes before the demo policy's absolute 10 min: it rules.
    const [session] = await demo.demo.manager.list('ida')
    expect(session?.notAfter).toBe((session?.authTime ?? 0) + IDP_SESSION)
    const snapshot = (await a.evaluate(() =>
      (window as unknown as { curfewClient: { getSnapshot(): unknown } }).curfewClient.getSnapshot(),
    )) as { absoluteExpiresAt: number }
    expect(snapshot.absoluteExpiresAt).toBe(session?.notAfter)

    // A second tab shares the session and its live feed.
    const b = await context.newPage()
    await b.goto(demo.url)
    await b.getByTestId('subject').filter({ hasText: 'ida' }).waitFor(WAIT)
    await b.getByTestId('feed-state').filter({ hasText: 'live' }).waitFor(WAIT)

    const delivered = demo.idp.backchannelDeliveries.length
    await a.getByRole('link', { name: 'Sign out everywhere at the IdP' }).click()
    // The IdP ends its session and POSTs a logout token to the demo, which ends the Curfew session...
    await demo.idp.deliveries(delivered + 1)
    expect(demo.idp.backchannelDeliveries.at(-1)).toMatchObject({ status: 200 })
    // ...so the tab that was never touched is signed out live, and says why.
    const notice = b.getByTestId('signed-out-notice')
    await notice.waitFor(WAIT)
    expect(await notice.textContent()).toContain('identity provider')
    // The IdP sends the first tab back to the demo, signed out for the same reason.
    await a.waitForURL(`${demo.url}/`, WAIT)
    await a.getByTestId('signed-out-notice').waitFor(WAIT)
    await b.screenshot({ path: `${SCREENSHOTS}idp-signed-out.png` })

    expect(demo.demo.feed.recent()).toContainEqual(
      expect.objectContaining({ type: 'session.revoked', reason: 'idp_logout', session: session?.handle }),
    )
    expect(await demo.demo.manager.list('ida')).toEqual([])
  })
})
