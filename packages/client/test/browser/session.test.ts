import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AppServer,
  advance,
  bundleClient,
  launchBrowser,
  openTab,
  quiesce,
  signedInContext,
  snapshot,
  startAppServer,
  T0,
} from './harness'

let browser: Browser
let server: AppServer
let cleanup: () => void

beforeAll(async () => {
  const bundle = await bundleClient()
  cleanup = bundle.cleanup
  server = await startAppServer(bundle.code)
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  cleanup?.()
})

const statusOf = async (page: Page) => (await snapshot(page)).status

describe('sessions across tabs in Chromium', () => {
  it('makes "stay signed in" clicked in three tabs at once one request', async () => {
    const context = await signedInContext(browser, server, 'gina')
    const pages = []
    for (const name of ['A', 'B', 'C']) pages.push(await openTab({ context, server, name, user: 'gina' }))
    await advance({ server, context, pages, ms: 51_000 })
    for (const page of pages) expect(await statusOf(page)).toBe('warning')
    const from = server.hits.length
    await Promise.all(pages.map((page) => page.evaluate(() => void window.curfew.staySignedIn())))
    await quiesce(pages)
    for (const page of pages) await expect.poll(() => statusOf(page)).toBe('active')
    const refreshes = server.hits.slice(from).filter((hit) => hit.route === 'POST /session/refresh')
    console.log('[stay signed in, 3 tabs at once] refresh requests:', refreshes.length)
    expect(refreshes).toHaveLength(1)
    await context.close()
  })

  it('brings every tab back when the user signs in again after a logout', async () => {
    const context = await signedInContext(browser, server, 'hana')
    const a = await openTab({ context, server, name: 'A', user: 'hana' })
    const b = await openTab({ context, server, name: 'B', user: 'hana' })
    await a.evaluate(() => window.curfew.logout())
    await quiesce([a, b])
    for (const page of [a, b]) await expect.poll(() => statusOf(page)).toBe('expired')
    // A third tab signs in again and opens the app.
    const c = await context.newPage()
    await c.goto(`${server.url}/login?user=hana`)
    await c.goto(`${server.url}/app?tab=C&user=hana`)
    await context.clock.runFor(100)
    await quiesce([a, b, c])
    for (const page of [a, b, c]) {
      await expect.poll(() => statusOf(page)).toBe('active')
      expect(await snapshot(page)).toMatchObject({ subject: 'hana' })
    }
    await context.close()
  })

  it("reports another user's sign-in as a switch in the old tabs, and shows the new tab the new session", async () => {
    const context = await signedInContext(browser, server, 'ivan')
    const a = await openTab({ context, server, name: 'A', user: 'ivan' })
    const b = await openTab({ context, server, name: 'B', user: 'ivan' })
    const c = await context.newPage()
    await c.goto(`${server.url}/login?user=jane`)
    await c.goto(`${server.url}/app?tab=C&user=jane`)
    await context.clock.runFor(100)
    await quiesce([a, b, c])
    await expect.poll(async () => (await snapshot(c)).subject).toBe('jane')
    expect(await snapshot(c)).toMatchObject({ status: 'active', subject: 'jane' })
    for (const page of [a, b]) {
      await expect.poll(() => statusOf(page)).toBe('expired')
      expect(await snapshot(page)).toMatchObject({ reason: 'switched', subject: 'jane' })
    }
    await context.close()
  })

  it('shows the server-time countdown even when the computer clock is two hours behind', async () => {
    const context = await signedInContext(browser, server, 'kim', { skew: -2 * 3_600_000 })
    const pages = [await openTab({ context, server, name: 'A', user: 'kim' })]
    const first = await snapshot(pages[0]!)
    const pageNow = await pages[0]!.evaluate(() => Date.now())
    console.log('[clock 2 h behind] page clock - server clock =', pageNow - server.now(), 'ms; snapshot:', {
      status: first.status,
      remainingMs: first.remainingMs,
    })
    expect(server.now() - pageNow).toBeGreaterThanOrEqual(2 * 3_600_000 - 1_000)
    expect(first.expiresAt! - server.now()).toBeGreaterThan(0)
    expect(Math.abs(first.remainingMs! - (first.expiresAt! - server.now()))).toBeLessThan(1_000)
    await advance({ server, context, pages, ms: first.remainingMs! - 10_000 + 1_000 })
    expect(await statusOf(pages[0]!)).toBe('warning')
    await advance({ server, context, pages, ms: 10_000 })
    expect(await snapshot(pages[0]!)).toMatchObject({ status: 'expired', reason: 'idle' })
    expect(T0).toBeLessThan(server.now())
    await context.close()
  })
})
