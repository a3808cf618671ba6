// The browser benches' world: Debian's Chromium (playwright-core), the built @curfew/client bundled for
// the page as an app would ship it, and a real @curfew/server Express app on 127.0.0.1 with a clock the
// bench moves together with the pages' `page.clock`. Every request the server receives is counted.
import { existsSync } from 'node:fs'
import { createSessionManager } from '@curfew/server'
import { sessionRoutes, signIn } from '@curfew/server/express'
import { build } from 'esbuild'
import express from 'express'
import { chromium } from 'playwright-core'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const BENCH_DIR = new URL('../../', import.meta.url).pathname

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: run \`apt-get install -y chromium\` (or set CHROMIUM_PATH).`,
    )
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

/** The built SDK (dist, normal package resolution) as one IIFE exposing `window.Curfew`. */
export async function bundleClient() {
  const result = await build({
    stdin: {
      contents:
        "import { createSessionClient } from '@curfew/client'; window.Curfew = { createSessionClient }",
      resolveDir: BENCH_DIR,
      loader: 'js',
    },
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'error',
  })
  return result.outputFiles[0].text
}

export const POLICY = { idleTimeout: '15m', absoluteTimeout: '12h' }

export async function startApp(options) {
  let now = options.t0 ?? Date.now()
  const manager = createSessionManager({ policy: POLICY, now: () => now })
  const hits = []
  const app = express()
  app.get('/client.js', (_req, res) => res.type('js').send(options.clientCode))
  app.get('/login', async (req, res) => {
    await signIn(res, manager, { subject: String(req.query.user ?? 'ada') })
    res.type('html').send('<p>signed in</p>')
  })
  const page = (script) =>
    '<!doctype html><title>app</title><body><main>app</main><script src="/client.js"></script>' +
    // Counting fetches in flight lets the bench wait for the network instead of sleeping.
    '<script>window.inflight = 0; const f = window.fetch; window.fetch = (...a) => { inflight++; ' +
    `return f(...a).finally(() => { inflight-- }) };${script}</script></body>`
  app.get('/app', (_req, res) =>
    res.type('html').send(page('window.curfew = Curfew.createSessionClient(); curfew.start()')),
  )
  app.get('/blank', (_req, res) => res.type('html').send(page('')))
  app.use('/session', (req, _res, next) => {
    const user = /user=(\w+)/.exec(req.get('referer') ?? '')?.[1] ?? null
    hits.push({ user, route: `${req.method} ${req.originalUrl}`, at: now })
    next()
  })
  app.use('/session', sessionRoutes(manager))
  const server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    hits,
    now: () => now,
    advance(ms) {
      now += ms
    },
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await manager.close()
    },
  }
}

/** Waits until no page has a fetch in flight, three checks in a row. */
export async function quiesce(pages) {
  let calm = 0
  for (let i = 0; i < 2_000 && calm < 3; i++) {
    let busy = 0
    for (const page of pages) busy += await page.evaluate(() => window.inflight ?? 0).catch(() => 0)
    calm = busy ? 0 : calm + 1
  }
}
