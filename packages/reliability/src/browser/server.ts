import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createSessionManager, MemoryStore, type SessionStore } from '@curfew/server'
import { sessionRoutes, signIn } from '@curfew/server/express'
import express from 'express'
import type { Hit } from '../../../client/test/browser/harness'
import { trackTokens } from '../harness/app'

export const IDLE = 60_000
export const WARN = 10_000
export const T0 = Date.UTC(2026, 0, 1, 12)

/** A session-route request and the status the server answered it with. */
export interface AnsweredHit extends Hit {
  status: number
}

/**
 * The app the pages talk to, shaped like @curfew/client's browser harness server (so its
 * `signedInContext`, `openTab` and `advance` drive it), plus what the reliability scenarios need:
 * a restart on the same port (keeping or losing the store), a gate that holds refreshes in flight, and
 * the status of every answer.
 */
export async function startBrowserApp(clientCode: string) {
  let now = T0
  let store: SessionStore = new MemoryStore({ now: () => now })
  const hits: AnsweredHit[] = []
  const gate = { closed: false, held: 0, release: () => {} }
  let opened: Promise<void> = Promise.resolve()

  const makeManager = () =>
    trackTokens(
      createSessionManager({
        policy: { idleTimeout: IDLE, absoluteTimeout: '12h', warnBefore: WARN },
        store,
        now: () => now,
      }),
    )
  let manager = makeManager()

  const app = express()
  app.get('/client.js', (_req, res) => {
    res.type('js').send(clientCode)
  })
  app.get('/login', async (req, res) => {
    await signIn(res, manager, { subject: String(req.query.user ?? 'ada') })
    res.type('html').send('<p>signed in</p>')
  })
  app.get('/app', (_req, res) => {
    res
      .type('html')
      .send(
        '<!doctype html><title>app</title><script src="/client.js"></script>' +
          '<script>window.inflight = 0; const f = window.fetch; window.fetch = (...a) => { inflight++; ' +
          'return f(...a).finally(() => { inflight-- }) };' +
          'window.expiredCalls = 0;' +
          'window.curfew = Curfew.createSessionClient({ channelName: "curfew-reliability", ' +
          'onExpired: () => { window.expiredCalls++ } }); curfew.start()</script>',
      )
  })
  app.use('/session', async (req, res, next) => {
    const referer = req.get('referer') ?? ''
    const tab = new URL(referer || 'http://x/', 'http://x').searchParams.get('tab') ?? '?'
    const subject = /user=(\w+)/.exec(referer)?.[1] ?? null
    const route = `${req.method} ${req.baseUrl}${req.path === '/' ? '' : req.path}`
    // 'close' also fires when the page went away before the answer (a tab closed mid-request).
    res.on('close', () => hits.push({ subject, tab, route, status: res.statusCode }))
    if (gate.closed && req.path === '/refresh') {
      gate.held++
      await opened
    }
    next()
  })
  app.use('/session', (req, res, next) => sessionRoutes(manager)(req, res, next))

  let server: Server | undefined
  let port = 0
  const listen = async () => {
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(port, '127.0.0.1', () => resolve(s))
      s.once('error', reject)
    })
    port = (server.address() as AddressInfo).port
  }
  const stop = async () => {
    const s = server
    server = undefined
    if (!s) return
    s.closeAllConnections()
    await new Promise<void>((resolve) => s.close(() => resolve()))
  }
  await listen()

  return {
    get url() {
      return `http://127.0.0.1:${port}`
    },
    get manager() {
      return manager
    },
    hits,
    advance(ms: number) {
      now += ms
    },
    now: () => now,
    /** Holds every refresh at the server until `openGate()`. */
    closeGate() {
      gate.closed = true
      opened = new Promise((resolve) => {
        gate.release = resolve
      })
    },
    openGate() {
      gate.closed = false
      gate.release()
    },
    held: () => gate.held,
    /** The server goes away (connections cut); `start` brings it back on the same port. */
    stop,
    /** Back on the same port with a new manager: on the same store, or on an empty one (`lose: true`). */
    async start(options: { lose?: boolean } = {}) {
      await manager.close()
      if (options.lose) store = new MemoryStore({ now: () => now })
      manager = makeManager()
      await listen()
    },
    async close() {
      await stop()
      await manager.close()
      await store.close?.()
    },
  }
}

export type BrowserApp = Awaited<ReturnType<typeof startBrowserApp>>
