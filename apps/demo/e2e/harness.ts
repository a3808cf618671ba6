import { mkdirSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { launchChromium, quiesce } from '@curfew/testing'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { createDemoApp } from '../server/app'
import { readConfig } from '../server/config'
import { startDemoIdp } from '../server/idp'

export const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url))
/** Where the server's clock starts; the browser context's clock is paused at the same instant. */
export const T0 = Date.UTC(2026, 0, 1, 12)

/** Launches Debian's Chromium, or fails with the way to install it (never skips). */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  return launchChromium()
}

/** The demo backend (serving the built frontend) on 127.0.0.1:0, its clock moved by the test. */
export async function startDemo(env: { idle: string; absolute: string; warn: string }) {
  let now = T0
  const config = readConfig(
    { CURFEW_IDLE_TIMEOUT: env.idle, CURFEW_ABSOLUTE_TIMEOUT: env.absolute, CURFEW_WARN_BEFORE: env.warn },
    fileURLToPath(new URL('../dist/web', import.meta.url)),
  )
  const demo = createDemoApp({ config, now: () => now, instance: 'e2e' })
  const server: Server = await new Promise((resolve) => {
    const s = demo.app.listen(0, '127.0.0.1', () => resolve(s))
  })
  server.on('upgrade', demo.upgrade)
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    demo,
    now: () => now,
    advance(ms: number) {
      now += ms
    },
    async close() {
      demo.feed.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await demo.close()
    },
  }
}

export type Demo = Awaited<ReturnType<typeof startDemo>>

/**
 * The demo with its dev OpenID Provider, as `pnpm demo` starts them, on real clocks (the IdP signs its
 * tokens with the real time, and the demo judges them by its own).
 */
export async function startDemoWithIdp(env: { idle: string; absolute: string; warn: string; idp: string }) {
  const config = readConfig(
    {
      CURFEW_IDLE_TIMEOUT: env.idle,
      CURFEW_ABSOLUTE_TIMEOUT: env.absolute,
      CURFEW_WARN_BEFORE: env.warn,
      CURFEW_DEMO_IDP_SESSION: env.idp,
    },
    fileURLToPath(new URL('../dist/web', import.meta.url)),
  )
  const demo = createDemoApp({ config, instance: 'e2e' })
  const server: Server = await new Promise((resolve) => {
    const s = demo.app.listen(0, '127.0.0.1', () => resolve(s))
  })
  server.on('upgrade', demo.upgrade)
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const idp = await startDemoIdp({ demo, origin: url, sessionLifetime: config.idpSessionLifetime })
  return {
    url,
    demo,
    idp,
    async close() {
      demo.feed.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await idp.close()
      await demo.close()
    },
  }
}

/** A browser window: one cookie jar, one clock paused at the server's time, fetches counted. */
export async function newWindow(browser: Browser, demo: Demo): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } })
  await context.addInitScript(() => {
    const w = window as unknown as { inflight: number }
    w.inflight = 0
    const original = window.fetch
    window.fetch = (...args) => {
      w.inflight++
      return original(...args).finally(() => {
        w.inflight--
      })
    }
  })
  await context.clock.install({ time: demo.now() })
  demo.advance(1_000)
  await context.clock.pauseAt(demo.now())
  return context
}

export { quiesce }

/** Moves the server's and the pages' clocks together, in steps, letting answers land between steps. */
export async function advance(options: {
  demo: Demo
  context: BrowserContext
  ms: number
  step?: number
  each?: (elapsed: number) => Promise<void>
}): Promise<void> {
  const step = options.step ?? 1_000
  for (let elapsed = 0; elapsed < options.ms; elapsed += step) {
    await options.each?.(elapsed)
    options.demo.advance(step)
    await options.context.clock.runFor(step)
    await quiesce(options.context.pages())
  }
}

/** Opens the demo in a new tab of `context` and waits for the session check to settle. */
export async function openTab(context: BrowserContext, demo: Demo): Promise<Page> {
  const page = await context.newPage()
  await page.goto(demo.url)
  // Let the clock move a little so broadcast-channel's messages between tabs carry newer times.
  await context.clock.runFor(100)
  demo.advance(100)
  await quiesce(context.pages())
  return page
}

/**
 * Lets both clocks run in 100 ms steps until `locator` is visible (the pages' clock is paused, so
 * timers the UI waits on only fire when the test moves time). Fails after `limit` ms of page time.
 */
export async function until(options: {
  demo: Demo
  context: BrowserContext
  locator: Locator
  limit?: number
}): Promise<void> {
  const limit = options.limit ?? 10_000
  for (let waited = 0; waited <= limit; waited += 100) {
    if (await options.locator.isVisible()) return
    options.demo.advance(100)
    await options.context.clock.runFor(100)
    await quiesce(options.context.pages())
  }
  const page = options.locator.page()
  const shot = `${SCREENSHOTS}failure-${Date.now()}.png`
  await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined)
  const state = await page
    .evaluate(
      () =>
        (window as unknown as { curfewClient?: { getSnapshot(): unknown } }).curfewClient?.getSnapshot() ??
        null,
    )
    .catch(() => null)
  throw new Error(
    `${options.locator} did not appear within ${limit} ms of page time (screenshot ${shot}, state ${JSON.stringify(state)})`,
  )
}

/** Signs in through the page's form and waits for the dashboard. */
export async function signIn(options: {
  demo: Demo
  page: Page
  username: string
  policy?: string
}): Promise<void> {
  const { page } = options
  await page.getByLabel('Name').fill(options.username)
  await page.getByRole('radio', { name: options.policy ?? 'Demo (from env)' }).check()
  await page.getByRole('button', { name: 'Sign in' }).click()
  await until({ demo: options.demo, context: page.context(), locator: page.getByTestId('subject') })
}
