import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createSessionManager } from '@curfew/server'
import { sessionRoutes, signIn } from '@curfew/server/express'
import { launchChromium, quiesce } from '@curfew/testing'
import { build } from 'esbuild'
import express from 'express'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { SessionClient, SessionSnapshot } from '../../src/types'

declare global {
  interface Window {
    curfew: SessionClient
    inflight: number
  }
}

export const IDLE = 60_000
export const WARN = 10_000
/** Where the server's clock starts; the pages' clocks start here too (then each side keeps its own). */
export const T0 = Date.UTC(2026, 0, 1, 12)

/** Launches Debian's Chromium, or fails with the way to install it (never skips). */
export function launchBrowser(executablePath?: string): Promise<Browser> {
  return launchChromium(executablePath === undefined ? {} : { executablePath })
}

/** Bundles the SDK from source for the pages (esbuild, browser conditions) into a temp folder. */
export async function bundleClient(): Promise<{ code: string; cleanup: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'curfew-client-browser-'))
  const outfile = join(dir, 'client.js')
  await build({
    entryPoints: [fileURLToPath(new URL('./entry.ts', import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@curfew/source', 'browser'],
    outfile,
    logLevel: 'error',
  })
  return { code: readFileSync(outfile, 'utf8'), cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** One recorded request to a session route, and which tab (`?tab=` of the page) sent it. */
export interface Hit {
  subject: string | null
  tab: string
  route: string
}

/**
 * The real `@curfew/server` Express adapter over HTTP on 127.0.0.1:0, with a clock the test moves
 * together with the pages' `page.clock`, and a log of every session-route request.
 */
export async function startAppServer(clientCode: string) {
  let now = T0
  const manager = createSessionManager({
    policy: { idleTimeout: IDLE, absoluteTimeout: '12h', warnBefore: WARN },
    now: () => now,
  })
  const hits: Hit[] = []
  const app = express()
  app.get('/client.js', (_req, res) => {
    res.type('js').send(clientCode)
  })
  app.get('/login', async (req, res) => {
    await signIn(res, manager, { subject: String(req.query.user ?? 'ada') })
    res.type('html').send('<p>signed in</p>')
  })
  app.get('/app', (_req, res) => {
    res.type('html').send(
      '<!doctype html><title>app</title><script src="/client.js"></script>' +
        // Counting fetches in flight lets the test wait for the network instead of sleeping.
        '<script>window.inflight = 0; const f = window.fetch; window.fetch = (...a) => { inflight++; ' +
        'return f(...a).finally(() => { inflight-- }) };' +
        'window.curfew = Curfew.createSessionClient({ channelName: "curfew-test" }); curfew.start()</script>',
    )
  })
  app.use('/session', (req, _res, next) => {
    const tab = new URL(req.get('referer') ?? 'http://x/', 'http://x').searchParams.get('tab') ?? '?'
    const subject = /user=(\w+)/.exec(req.get('referer') ?? '')?.[1] ?? null
    hits.push({ subject, tab, route: `${req.method} ${req.baseUrl}${req.path === '/' ? '' : req.path}` })
    next()
  })
  app.use('/session', sessionRoutes(manager))
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    manager,
    hits,
    /** Moves the server's clock; the pages' clock is moved by the caller. */
    advance(ms: number) {
      now += ms
    },
    now: () => now,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await manager.close()
    },
  }
}

export type AppServer = Awaited<ReturnType<typeof startAppServer>>

/**
 * A browser context (one "browser window", one cookie jar, one clock) signed in as `user`, with the
 * clock installed and paused at the server's time (plus `skew`: a wrong computer clock), so only the
 * test moves time.
 */
export async function signedInContext(
  browser: Browser,
  server: AppServer,
  user: string,
  options: { skew?: number } = {},
) {
  const skew = options.skew ?? 0
  const context = await browser.newContext()
  await context.clock.install({ time: server.now() + skew })
  // Paused a second ahead (pausing may not go back in time); the server's clock follows.
  server.advance(1_000)
  await context.clock.pauseAt(server.now() + skew)
  const login = await context.newPage()
  await login.goto(`${server.url}/login?user=${user}`)
  await login.close()
  return context
}

/** Opens `/app?tab=name` (the query names the tab in the server's request log). */
export async function openTab(options: {
  context: BrowserContext
  server: AppServer
  name: string
  user: string
}) {
  const page = await options.context.newPage()
  await page.goto(`${options.server.url}/app?tab=${options.name}&user=${options.user}`)
  await page.waitForFunction(() => typeof window.curfew === 'object')
  // Tabs of one context share a paused clock: let it move so each tab's channel messages are newer
  // than every other tab's listener (broadcast-channel drops older ones).
  await options.context.clock.runFor(100)
  await quiesce(options.context.pages())
  return page
}

export const snapshot = (page: Page): Promise<SessionSnapshot> =>
  page.evaluate(() => window.curfew.getSnapshot())

/**
 * Moves both clocks by `ms` in steps (timers fire in order inside each step), letting network answers
 * and cross-tab messages land between steps.
 */
export async function advance(options: {
  server: AppServer
  context: BrowserContext
  pages: Page[]
  ms: number
  step?: number
  each?: (elapsed: number) => Promise<void>
}): Promise<void> {
  const step = options.step ?? 1_000
  for (let elapsed = 0; elapsed < options.ms; elapsed += step) {
    await options.each?.(elapsed)
    options.server.advance(step)
    await options.context.clock.runFor(step)
    await quiesce(options.pages)
  }
}

/** Waits until no page has a fetch in flight (the pages count them in `window.inflight`). */
export { quiesce }
