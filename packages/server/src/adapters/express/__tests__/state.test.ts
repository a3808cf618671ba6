import { createServer, get, type Server } from 'node:http'
import express, { type Express } from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { createSessionManager } from '../../../manager/createSessionManager'
import { sessionMiddleware } from '../functions'
import { requestInfo } from '../request'

// How `req.session`, `req.curfew` and `req.ip` are stored and read is ours (accessors on the app's
// request prototype over `res.locals`, a shortcut around proxy-addr); what an app sees must not change.
// Run on Express 5 and, through vitest.express4.config.ts, on Express 4.

const servers: Server[] = []

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

async function call(app: Express, headers: Record<string, string> = {}): Promise<unknown> {
  const server = createServer(app)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  const body = await new Promise<string>((resolve, reject) => {
    get({ host: '127.0.0.1', port: address.port, path: '/api/me', headers }, (response) => {
      let text = ''
      response.on('data', (chunk: Buffer) => {
        text += chunk.toString()
      })
      response.on('end', () => resolve(text))
    }).on('error', reject)
  })
  return JSON.parse(body)
}

async function signedIn() {
  const manager = createSessionManager({ policy: { idleTimeout: '15m', absoluteTimeout: '12h' } })
  const { token, session } = await manager.create({ subject: 'ada' })
  return { manager, handle: session.handle, headers: { cookie: `curfew_session=${token}` } }
}

describe('express request state', () => {
  it('req.session and req.curfew read the session, in a mounted app and after it hands the request back', async () => {
    const { manager, handle, headers } = await signedIn()
    const app = express()
    const api = express()
    api.use(sessionMiddleware(manager))
    api.use((req, _res, next) => {
      ;(req as { seenInside?: unknown }).seenInside = [req.session?.handle, req.curfew?.session.handle]
      next()
    })
    app.use('/api', api)
    app.use((req, res) => {
      res.json({
        inside: (req as { seenInside?: unknown }).seenInside,
        outside: [req.session?.handle ?? null, req.curfew?.session.handle ?? null],
      })
    })
    expect(await call(app, headers)).toEqual({ inside: [handle, handle], outside: [handle, handle] })
    await manager.close()
  })

  it("leaves express-session's req.session alone, before and after, and its delete still deletes", async () => {
    const { manager, handle, headers } = await signedIn()
    const app = express()
    const foreign = { cookie: {}, views: 1 }
    app.use((req, _res, next) => {
      ;(req as { session?: unknown }).session = foreign
      next()
    })
    app.use(sessionMiddleware(manager))
    app.get('/api/me', (req, res) => {
      const before = req.session === (foreign as unknown)
      const ours = req.curfew?.session.handle
      delete (req as { session?: unknown }).session
      res.json({ before, ours, afterDelete: req.session ?? null })
    })
    expect(await call(app, headers)).toEqual({ before: true, ours: handle, afterDelete: null })
    await manager.close()
  })

  it('an app may still assign req.session and req.curfew itself', async () => {
    const { manager, headers } = await signedIn()
    const app = express()
    app.use(sessionMiddleware(manager))
    app.get('/api/me', (req, res) => {
      ;(req as { session?: unknown }).session = { mine: true }
      req.curfew = null
      res.json({ session: req.session, curfew: req.curfew, keys: Object.keys(req).includes('session') })
    })
    expect(await call(app, headers)).toEqual({ session: { mine: true }, curfew: null, keys: true })
    await manager.close()
  })

  it('a request without a session sees neither, on an app whose prototype has the accessors', async () => {
    const { manager, headers } = await signedIn()
    const app = express()
    app.get('/api/me', sessionMiddleware(manager, { optional: true }), (req, res) => {
      res.json({ session: req.session ?? null, curfew: req.curfew ?? null })
    })
    await call(app, headers)
    expect(await call(app)).toEqual({ session: null, curfew: null })
    await manager.close()
  })
})

describe('express request ip', () => {
  async function ipSeen(app: Express, headers: Record<string, string> = {}): Promise<unknown> {
    app.get('/api/me', (req, res) => res.json({ ours: requestInfo(req).ip ?? null, express: req.ip ?? null }))
    return call(app, headers)
  }

  it('is what Express says, with and without X-Forwarded-For and trust proxy', async () => {
    for (const trust of [false, true]) {
      for (const headers of [{}, { 'x-forwarded-for': '203.0.113.7' }] as Record<string, string>[]) {
        const app = express()
        app.set('trust proxy', trust)
        const seen = (await ipSeen(app, headers)) as { ours: unknown; express: unknown }
        expect(seen.ours).toBe(seen.express)
      }
    }
  })

  it("is the app's own when it replaced the req.ip getter", async () => {
    const app = express()
    Object.defineProperty(app.request, 'ip', { configurable: true, get: () => '198.51.100.1' })
    expect(await ipSeen(app)).toEqual({ ours: '198.51.100.1', express: '198.51.100.1' })
  })
})
