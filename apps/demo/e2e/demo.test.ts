import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  advance,
  type Demo,
  launchBrowser,
  newWindow,
  openTab,
  quiesce,
  SCREENSHOTS,
  signIn,
  startDemo,
  until,
} from './harness'

// Short, watchable limits: warning 20 s before a 60 s idle deadline, 3 min overall.
const IDLE = 60_000
const WARN = 20_000
const ABSOLUTE = 180_000

let browser: Browser
let demo: Demo
let context: BrowserContext

beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(async () => {
  await browser?.close()
})
beforeEach(async () => {
  demo = await startDemo({ idle: '60s', absolute: '3m', warn: '20s' })
  context = await newWindow(browser, demo)
})
afterEach(async () => {
  await context?.close()
  await demo?.close()
})

const dialog = (page: Page) => page.getByRole('alertdialog')
const signedOut = (page: Page) => page.getByTestId('signed-out-notice')

async function rawStatus(
  cookie: string,
): Promise<{ status: number; body: { error?: string; reason?: string } }> {
  const response = await fetch(`${demo.url}/api/me`, { headers: { cookie } })
  return { status: response.status, body: await response.json() }
}

async function sessionCookie(): Promise<string> {
  const cookies = await context.cookies(demo.url)
  const session = cookies.find((c) => c.name.endsWith('curfew_session'))
  if (!session) throw new Error('no session cookie')
  return `${session.name}=${session.value}`
}

describe('the demo, end to end in Chromium', () => {
  it('shares one session between two tabs, warns in both, and "Stay signed in" in one clears both', async () => {
    const a = await openTab(context, demo)
    await signIn({ demo, page: a, username: 'alice' })
    const b = await openTab(context, demo)
    await until({ demo, context, locator: b.getByTestId('subject') })
    expect(await b.getByTestId('subject').textContent()).toBe('alice')
    expect(await b.getByTestId('handle').textContent()).toBe(await a.getByTestId('handle').textContent())
    await a.screenshot({ path: `${SCREENSHOTS}dashboard.png`, fullPage: true })

    await advance({ demo, context, ms: IDLE - WARN + 1_000 })
    await until({ demo, context, locator: dialog(a) })
    await until({ demo, context, locator: dialog(b) })
    await a.screenshot({ path: `${SCREENSHOTS}warning.png`, fullPage: true })

    await a.getByRole('button', { name: /stay signed in/i }).click()
    await quiesce([a, b])
    await advance({ demo, context, ms: 2_000 })
    await dialog(a).waitFor({ state: 'detached' })
    await dialog(b).waitFor({ state: 'detached' })
    // The server agrees: the idle deadline moved.
    expect((await rawStatus(await sessionCookie())).status).toBe(200)
  })

  it('signs both tabs out at the idle deadline, and the server refuses the old cookie', async () => {
    const a = await openTab(context, demo)
    await signIn({ demo, page: a, username: 'bob' })
    const b = await openTab(context, demo)
    await until({ demo, context, locator: b.getByTestId('subject') })
    const cookie = await sessionCookie()

    await advance({ demo, context, ms: IDLE + 2_000 })
    await until({ demo, context, locator: signedOut(a) })
    await until({ demo, context, locator: signedOut(b) })
    expect(await signedOut(b).textContent()).toMatch(/inactivity/)
    await a.screenshot({ path: `${SCREENSHOTS}expired.png`, fullPage: true })

    const raw = await rawStatus(cookie)
    expect(raw.status).toBe(401)
    expect(raw.body).toMatchObject({ error: 'session_expired', reason: 'idle' })
  })

  it('ends the session at the absolute deadline despite continuous activity', async () => {
    const a = await openTab(context, demo)
    await signIn({ demo, page: a, username: 'carol' })
    const cookie = await sessionCookie()
    // A user who never stops: the mouse moves every 5 s, and a protected request every 20 s.
    const busyUser = async (elapsed: number) => {
      if (elapsed % 5_000 !== 0) return
      await a.mouse.move(100 + ((elapsed / 5_000) % 7) * 50, 300)
      if (elapsed % 20_000 === 0 && !(await dialog(a).isVisible())) {
        await a.getByRole('button', { name: /do something/i }).click()
      }
    }
    await advance({ demo, context, ms: ABSOLUTE - WARN + 2_000, each: busyUser })
    // The warning names the absolute deadline and offers no way to extend it.
    await until({ demo, context, locator: dialog(a) })
    expect(
      await dialog(a)
        .getByRole('button', { name: /stay signed in/i })
        .count(),
    ).toBe(0)
    await a.screenshot({ path: `${SCREENSHOTS}absolute-warning.png`, fullPage: true })
    await advance({ demo, context, ms: WARN, each: busyUser })
    await until({ demo, context, locator: signedOut(a) })
    expect(await signedOut(a).textContent()).toMatch(/maximum lifetime/)
    const raw = await rawStatus(cookie)
    expect(raw.status).toBe(401)
    expect(raw.body).toMatchObject({ reason: 'absolute' })
  })

  it('does not let the live feed keep an absent user signed in', async () => {
    const a = await openTab(context, demo)
    await signIn({ demo, page: a, username: 'dave' })
    const cookie = await sessionCookie()
    // The page holds the live feed WebSocket (pushes every 2 s) and polls the admin list every 3 s,
    // passively; nobody touches it.
    await until({ demo, context, locator: a.getByTestId('feed').locator('li').first() })
    expect(await a.getByTestId('feed-state').textContent()).toBe('live')
    await advance({ demo, context, ms: IDLE + 2_000 })
    await until({ demo, context, locator: signedOut(a) })
    expect((await rawStatus(cookie)).body).toMatchObject({ reason: 'idle' })
  })

  it('a revoke cuts the live feed with 4401 and every tab shows the expired state at once', async () => {
    const a = await openTab(context, demo)
    await signIn({ demo, page: a, username: 'frank' })
    const b = await openTab(context, demo)
    await until({ demo, context, locator: b.getByTestId('subject') })
    await until({ demo, context, locator: a.getByTestId('feed').locator('li').first() })
    const handle = (await a.getByTestId('handle').textContent()) ?? ''
    await demo.demo.manager.revoke(handle, 'revoked')
    // Under 2 s of page time: before any poll (the admin list's is every 3 s) could have told them.
    await until({ demo, context, locator: signedOut(a), limit: 1_500 })
    await until({ demo, context, locator: signedOut(b), limit: 1_500 })
    expect(await signedOut(b).textContent()).toMatch(/administrator/)
  })

  it('revoking a session from the admin panel signs every tab out', async () => {
    const a = await openTab(context, demo)
    await signIn({ demo, page: a, username: 'erin' })
    const b = await openTab(context, demo)
    await until({ demo, context, locator: b.getByTestId('subject') })
    const handle = (await a.getByTestId('handle').textContent()) ?? ''
    await advance({ demo, context, ms: 3_000 })
    await a.getByRole('button', { name: `Revoke ${handle}` }).click()
    await quiesce([a, b])
    await advance({ demo, context, ms: 6_000 })
    await until({ demo, context, locator: signedOut(a) })
    await until({ demo, context, locator: signedOut(b) })
    expect(await signedOut(b).textContent()).toMatch(/administrator/)
    const events = demo.demo.feed.recent() as Array<{ type: string; reason?: string }>
    expect(events).toContainEqual(expect.objectContaining({ type: 'session.revoked', reason: 'revoked' }))
  })
})
