import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  advance,
  bundleClient,
  launchBrowser,
  openTab,
  quiesce,
  signedInContext,
  snapshot,
} from '../../../../client/test/browser/harness'
import { createOracle, expiredCalls } from '../oracle'
import { type BrowserApp, IDLE, startBrowserApp, WARN } from '../server'

const HOUR = 3_600_000
let browser: Browser
let app: BrowserApp
let cleanup: () => void

beforeAll(async () => {
  const bundle = await bundleClient()
  cleanup = bundle.cleanup
  app = await startBrowserApp(bundle.code)
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await app?.close()
  cleanup?.()
})

/** A signed-in user with `tabs` tabs, watched by the oracle at every step. */
async function user(name: string, options: { tabs?: number; skew?: number } = {}) {
  const context = await signedInContext(browser, app, name, { skew: options.skew ?? 0 })
  const pages: Page[] = []
  for (let i = 0; i < (options.tabs ?? 1); i++)
    pages.push(await openTab({ context, server: app, name: `t${i}`, user: name }))
  const oracle = createOracle(app, context)
  const open = () => pages.filter((page) => !page.isClosed())
  /** Moves both clocks by `ms`, 1 s a step, checking the oracle before and after every step. */
  const run = async (ms: number, each?: (elapsed: number) => Promise<void>) => {
    await advance({
      server: app,
      context,
      pages: open(),
      ms,
      each: async (elapsed) => {
        await each?.(elapsed)
        await oracle.check(open())
      },
    })
    await oracle.check(open())
  }
  const typing = (elapsed: number) =>
    elapsed % 2_000 === 0 ? open()[0]!.keyboard.press('Shift') : Promise.resolve()
  return { context, pages, oracle, run, typing, open }
}

async function leaderOf(pages: Page[]): Promise<Page> {
  await expect
    .poll(async () => (await Promise.all(pages.map(snapshot))).filter((s) => s.isLeader).length)
    .toBe(1)
  const flags = await Promise.all(pages.map(async (page) => (await snapshot(page)).isLeader))
  return pages[flags.indexOf(true)]!
}

async function finish(context: BrowserContext, oracle: ReturnType<typeof createOracle>) {
  expect(oracle.violations).toEqual([])
  await context.close()
}

describe('the browser view never disagrees with the server for longer than one check (Chromium)', () => {
  for (const skew of [2 * HOUR, -2 * HOUR]) {
    it(`stays right with the computer clock ${skew > 0 ? '2 h fast' : '2 h slow'}: active while working, expired at the server's deadline`, async () => {
      const u = await user(`skew${skew > 0 ? 'fast' : 'slow'}`, { skew })
      await u.run(IDLE, u.typing)
      expect(await snapshot(u.pages[0]!)).toMatchObject({ status: 'active' })
      await u.run(IDLE + 5_000)
      expect(await snapshot(u.pages[0]!)).toMatchObject({ status: 'expired', reason: 'idle' })
      expect(u.oracle.steps()).toBeGreaterThan(100)
      await finish(u.context, u.oracle)
    })
  }

  it('shows expired right after waking from a sleep past the deadline, and active after a short one', async () => {
    const u = await user('sleeper', { tabs: 2 })
    await u.run(5_000, u.typing)
    // A short sleep (20 s): the session is still alive and must still show so.
    app.advance(20_000)
    await u.context.clock.fastForward(20_000)
    await quiesce(u.pages)
    await u.oracle.check(u.pages, 'after a 20 s sleep')
    for (const page of u.pages) expect((await snapshot(page)).status).not.toBe('expired')
    // A long one (10 min): past the deadline.
    app.advance(10 * 60_000)
    await u.context.clock.fastForward(10 * 60_000)
    await quiesce(u.pages)
    await u.run(1_000)
    for (const page of u.pages) expect(await snapshot(page)).toMatchObject({ status: 'expired' })
    await finish(u.context, u.oracle)
  })

  it('keeps the user signed in when the leader tab dies in the middle of "Stay signed in"', async () => {
    const u = await user('orphan', { tabs: 2 })
    await u.run(IDLE - WARN + 2_000)
    for (const page of u.pages) expect((await snapshot(page)).status).toBe('warning')
    const leader = await leaderOf(u.pages)
    const follower = u.pages.find((page) => page !== leader)!
    app.closeGate()
    const from = app.hits.length
    void leader.evaluate(() => {
      void window.curfew.staySignedIn().catch(() => {})
    })
    await expect.poll(() => app.held()).toBeGreaterThan(0)
    await leader.close()
    app.openGate()
    // The refresh reaches the server even though the tab that sent it is gone.
    await expect
      .poll(() => app.hits.slice(from).some((hit) => hit.route === 'POST /session/refresh'))
      .toBe(true)
    await quiesce([follower])
    // The server extended the session; the surviving tab must come to agree, and never sign out.
    await u.run(IDLE - 5_000)
    expect(await snapshot(follower)).toMatchObject({ isLeader: true })
    expect((await snapshot(follower)).status).not.toBe('expired')
    expect(await expiredCalls([follower])).toEqual([0])
    await u.run(IDLE)
    expect(await snapshot(follower)).toMatchObject({ status: 'expired', reason: 'idle' })
    await finish(u.context, u.oracle)
  })

  it('sends one refresh when five tabs click "Stay signed in" together', async () => {
    const u = await user('quintet', { tabs: 5 })
    await u.run(IDLE - WARN + 2_000)
    for (const page of u.pages) expect((await snapshot(page)).status).toBe('warning')
    const from = app.hits.length
    const after = await Promise.all(u.pages.map((page) => page.evaluate(() => window.curfew.staySignedIn())))
    await quiesce(u.pages)
    const refreshes = app.hits.slice(from).filter((hit) => hit.route === 'POST /session/refresh')
    expect(refreshes).toHaveLength(1)
    for (const snap of after) expect(snap.status).toBe('active')
    await u.oracle.check(u.pages, 'after the clicks')
    await finish(u.context, u.oracle)
  })

  it('rides out a server restart that keeps the store, and learns at once of one that lost it', async () => {
    const u = await user('restart', { tabs: 2 })
    await u.run(10_000, u.typing)
    await app.stop()
    // Down for 8 s while the user works: requests fail, nobody is signed out.
    await u.run(8_000, u.typing)
    for (const page of u.pages) expect((await snapshot(page)).status).not.toBe('expired')
    await app.start()
    await u.run(IDLE, u.typing)
    for (const page of u.pages) expect(await snapshot(page)).toMatchObject({ status: 'active' })
    expect(await expiredCalls(u.pages)).toEqual([0, 0])
    // Now a restart that lost every session: the next answer is a 401, and the pages must follow it.
    await app.stop()
    await app.start({ lose: true })
    await u.run(IDLE, u.typing)
    for (const page of u.pages) expect(await snapshot(page)).toMatchObject({ status: 'expired' })
    await finish(u.context, u.oracle)
  })

  it('goes expired at the deadline while the network is offline, and stays so when it returns', async () => {
    const u = await user('offline', { tabs: 2 })
    await u.run(IDLE - 3_000)
    await u.context.setOffline(true)
    await u.run(10_000)
    for (const page of u.pages) expect(await snapshot(page)).toMatchObject({ status: 'expired' })
    await u.context.setOffline(false)
    await u.run(5_000)
    for (const page of u.pages) expect(await snapshot(page)).toMatchObject({ status: 'expired' })
    await finish(u.context, u.oracle)
  })
})
