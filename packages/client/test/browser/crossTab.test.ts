import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AppServer,
  advance,
  bundleClient,
  type Hit,
  IDLE,
  launchBrowser,
  openTab,
  quiesce,
  signedInContext,
  snapshot,
  startAppServer,
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

/** Every status a page's client has shown since this was called. */
const watch = (page: Page) =>
  page.evaluate(() => {
    const seen = new Set<string>()
    ;(window as unknown as { seen: Set<string> }).seen = seen
    window.curfew.subscribe(() => seen.add(window.curfew.getSnapshot().status))
  })
const seen = (page: Page) => page.evaluate(() => [...(window as unknown as { seen: Set<string> }).seen])

async function leaderAndFollower(pages: Page[]) {
  const flags = await Promise.all(pages.map(async (page) => (await snapshot(page)).isLeader))
  expect(flags.filter(Boolean)).toHaveLength(1)
  return { leader: pages[flags.indexOf(true)]!, followers: pages.filter((_, i) => !flags[i]) }
}

const tabOf = (page: Page) => new URL(page.url()).searchParams.get('tab')
const countByTab = (hits: Hit[]) => {
  const counts: Record<string, number> = {}
  for (const hit of hits) counts[hit.tab] = (counts[hit.tab] ?? 0) + 1
  return counts
}

describe('@curfew/client in Chromium, several tabs of one browser, against @curfew/server over HTTP', () => {
  it('keeps tab B alive while the user works only in tab A, and only the leader talks to the server', async () => {
    const context = await signedInContext(browser, server, 'alice')
    const pages = [
      await openTab({ context, server, name: 'A', user: 'alice' }),
      await openTab({ context, server, name: 'B', user: 'alice' }),
    ]
    const { leader, followers } = await leaderAndFollower(pages)
    const worker = followers[0]!
    for (const page of pages)
      expect(await snapshot(page)).toMatchObject({ status: 'active', subject: 'alice' })
    for (const page of pages) await watch(page)
    const from = server.hits.length
    // Three idle periods; the user presses a key in the follower tab every 2 s and never touches the leader.
    await advance({
      server,
      context,
      pages,
      ms: 3 * IDLE,
      each: async (elapsed) => {
        if (elapsed % 2_000 === 0) await worker.keyboard.press('Shift')
      },
    })
    for (const page of pages) {
      expect(await snapshot(page)).toMatchObject({ status: 'active' })
      expect(await seen(page)).not.toContain('warning')
    }
    const hits = server.hits.slice(from)
    console.log(
      `[tabs A,B; activity only in ${tabOf(worker)}; ${tabOf(leader)} leads] session requests by tab over ${(3 * IDLE) / 1000} s:`,
      countByTab(hits),
    )
    expect(hits.length).toBeGreaterThan(0)
    expect(new Set(hits.map((hit) => hit.tab))).toEqual(new Set([tabOf(leader)]))
    expect(hits.every((hit) => hit.route === 'POST /session/activity')).toBe(true)
    const [live] = await server.manager.list('alice')
    expect(live).toBeDefined()
    await context.close()
  })

  it('ends tab B when the user logs out in tab A', async () => {
    const context = await signedInContext(browser, server, 'bob')
    const a = await openTab({ context, server, name: 'A', user: 'bob' })
    const b = await openTab({ context, server, name: 'B', user: 'bob' })
    await a.evaluate(() => window.curfew.logout())
    await quiesce([a, b])
    await expect.poll(async () => (await snapshot(b)).status).toBe('expired')
    expect(await snapshot(b)).toMatchObject({ status: 'expired', reason: 'logout' })
    expect(await server.manager.list('bob')).toHaveLength(0)
    await context.close()
  })

  // Issue 16: a WebSocket the server closes with 4401 (here the browser's own CloseEvent, as a socket's
  // `close` listener receives it) ends the session in every tab, like a 401 session_expired.
  it('ends every tab when one tab hears its socket closed with 4401', async () => {
    const context = await signedInContext(browser, server, 'erin')
    const pages = [
      await openTab({ context, server, name: 'A', user: 'erin' }),
      await openTab({ context, server, name: 'B', user: 'erin' }),
    ]
    const { followers } = await leaderAndFollower(pages)
    await server.manager.revokeSubject('erin')
    const [ours, other] = await followers[0]!.evaluate(() => [
      window.curfew.handleClose(new CloseEvent('close', { code: 4401, reason: 'revoked' })),
      window.curfew.handleClose(new CloseEvent('close', { code: 1006 })),
    ])
    expect([ours, other]).toEqual([true, false])
    await context.clock.runFor(100)
    await quiesce(pages)
    for (const page of pages) await expect.poll(async () => (await snapshot(page)).status).toBe('expired')
    for (const page of pages)
      expect(await snapshot(page)).toMatchObject({ reason: 'revoked', canExtend: false })
    await context.close()
  })

  it('hands over to another tab when the leader closes, without a gap', async () => {
    const context = await signedInContext(browser, server, 'carol')
    const pages = [
      await openTab({ context, server, name: 'A', user: 'carol' }),
      await openTab({ context, server, name: 'B', user: 'carol' }),
      await openTab({ context, server, name: 'C', user: 'carol' }),
    ]
    const { leader, followers } = await leaderAndFollower(pages)
    await leader.close()
    await expect
      .poll(async () => (await Promise.all(followers.map(snapshot))).filter((s) => s.isLeader).length)
      .toBe(1)
    const { leader: next } = await leaderAndFollower(followers)
    const from = server.hits.length
    await advance({
      server,
      context,
      pages: followers,
      ms: 2 * IDLE,
      each: async (elapsed) => {
        if (elapsed % 2_000 === 0) await followers[(elapsed / 2_000) % 2]!.keyboard.press('Shift')
      },
    })
    for (const page of followers) expect(await snapshot(page)).toMatchObject({ status: 'active' })
    const hits = server.hits.slice(from)
    console.log(`[leader ${tabOf(leader)} closed] requests after the handover by tab:`, countByTab(hits))
    expect(new Set(hits.map((hit) => hit.tab))).toEqual(new Set([tabOf(next)]))
    await context.close()
  })

  it('shows expired as soon as the machine wakes from a sleep past the deadline, and the server agrees', async () => {
    const context = await signedInContext(browser, server, 'dave')
    const pages = [
      await openTab({ context, server, name: 'A', user: 'dave' }),
      await openTab({ context, server, name: 'B', user: 'dave' }),
    ]
    await advance({ server, context, pages, ms: 5_000 })
    // The lid closes for ten minutes: no timer runs; on waking, due timers fire once.
    server.advance(10 * 60_000)
    await context.clock.fastForward(10 * 60_000)
    await quiesce(pages)
    for (const page of pages) {
      await expect.poll(async () => (await snapshot(page)).status).toBe('expired')
      expect(await snapshot(page)).toMatchObject({ reason: 'idle', remainingMs: 0 })
    }
    // The leader's passive check after waking got the server's 401 (which also cleared the cookie),
    // and the server holds no live session for the user.
    const after = server.hits.filter((hit) => hit.subject === 'dave').at(-1)
    console.log(
      '[after sleep] last request:',
      after,
      'live sessions at the server:',
      await server.manager.list('dave'),
    )
    expect(after?.route).toBe('GET /session')
    expect(await server.manager.list('dave')).toEqual([])
    await context.close()
  })
})
