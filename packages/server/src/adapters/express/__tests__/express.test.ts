import { createServer, type Server } from 'node:http'
import { CLIENT_HEADER } from '@curfew/core'
import express, { type Express } from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../../audit/events'
import { createSessionManager, MemoryStore } from '../../../index'
import type { SessionManager } from '../../../types'
import { requireRecentAuth, sessionMiddleware, sessionRoutes, signIn, signOut } from '../index'

const T0 = Date.UTC(2026, 0, 1)
const open: Array<{ server: Server; manager: SessionManager }> = []

function makeManager() {
  return createSessionManager({
    policy: { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: 0 },
    now: () => T0,
  })
}

async function serve(app: Express, manager: SessionManager): Promise<string> {
  const server = createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  open.push({ server, manager })
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  return `http://127.0.0.1:${address.port}`
}

async function login(url: string): Promise<string> {
  const response = await fetch(`${url}/login`, { method: 'POST' })
  return response.headers.getSetCookie()[0]!.split(';')[0]!
}

afterEach(async () => {
  for (const { server, manager } of open.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await manager.close()
  }
})

describe('express adapter', () => {
  it("leaves another middleware's req.session alone and puts ours on req.curfew", async () => {
    const manager = makeManager()
    const app = express()
    app.post('/login', async (_req, res) => {
      res.json(await signIn(res, manager, { subject: 'u1' }))
    })
    app.use((req, _res, next) => {
      ;(req as { session?: unknown }).session = { cart: ['apple'] }
      next()
    })
    app.get('/me', sessionMiddleware(manager), (req, res) => {
      res.json({ session: req.session, subject: req.curfew?.session.subject })
    })
    const url = await serve(app, manager)
    const cookie = await login(url)
    const body = await (await fetch(`${url}/me`, { headers: { cookie } })).json()
    expect(body).toEqual({ session: { cart: ['apple'] }, subject: 'u1' })
  })

  it('admits a live session in the same way whether the store answers synchronously or through a promise', async () => {
    // A subclass overriding check answers through a promise; the MemoryStore itself synchronously.
    class AsyncStore extends MemoryStore {
      override check(input: Parameters<MemoryStore['check']>[0]) {
        return super.check(input)
      }
    }
    for (const store of [new MemoryStore({ now: () => T0 }), new AsyncStore({ now: () => T0 })]) {
      const manager = createSessionManager({
        policy: { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: 0 },
        now: () => T0,
        store,
      })
      const app = express()
      app.post('/login', async (_req, res) => {
        res.json(await signIn(res, manager, { subject: 'u1' }))
      })
      app.get('/me', sessionMiddleware(manager), (req, res) => {
        res.json({ subject: req.session?.subject, curfew: req.curfew?.session.subject })
      })
      const url = await serve(app, manager)
      const cookie = await login(url)
      const me = await fetch(`${url}/me`, { headers: { cookie } })
      expect(me.status).toBe(200)
      expect(await me.json()).toEqual({ subject: 'u1', curfew: 'u1' })
      expect(me.headers.get('curfew-session')).toMatch(/^v=1; s=active; /)
      const refused = await fetch(`${url}/me`, { headers: { cookie: `${cookie}x` } })
      expect(refused.status).toBe(401)
      expect(await refused.json()).toMatchObject({ error: 'no_session', reason: 'malformed' })
    }
  })

  it("audits a request's method, IP, path and user agent, read when an event is written", async () => {
    const events: AuditEvent[] = []
    const manager = createSessionManager({
      policy: { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: 0 },
      now: () => T0,
      audit: (event) => {
        events.push(event)
      },
    })
    const app = express()
    app.post('/login', async (_req, res) => {
      res.json(await signIn(res, manager, { subject: 'u1' }))
    })
    app.get('/api/me', sessionMiddleware(manager), (_req, res) => {
      res.json({ ok: true })
    })
    const url = await serve(app, manager)
    const cookie = await login(url)
    const headers = { cookie, 'user-agent': 'audit-test/1' }
    expect((await fetch(`${url}/api/me?x=1`, { headers })).status).toBe(200)
    expect((await fetch(`${url}/api/me`, { headers: { ...headers, cookie: `${cookie}x` } })).status).toBe(401)
    // A well-formed token this store does not know: refused after the store answered.
    const other = makeManager()
    const stranger = (await other.create({ subject: 'u9' })).token
    await other.close()
    expect(
      (await fetch(`${url}/api/me`, { headers: { ...headers, cookie: `curfew_session=${stranger}` } }))
        .status,
    ).toBe(401)
    const meta = { method: 'GET', ip: '127.0.0.1', path: '/api/me', userAgent: 'audit-test/1' }
    const rejected = events.filter((event) => event.type === 'session.rejected')
    expect(rejected.map((event) => [event.reason, event.meta])).toEqual([
      ['malformed', meta],
      ['unknown', meta],
    ])
  })

  it('sets req.session during sign-in, so the same handler can use it', async () => {
    const manager = makeManager()
    const app = express()
    app.post('/login', async (req, res) => {
      await signIn(res, manager, { subject: 'u2', data: { role: 'admin' } })
      res.json({ subject: req.session?.subject, data: req.session?.data })
    })
    const url = await serve(app, manager)
    const response = await fetch(`${url}/login`, { method: 'POST' })
    expect(await response.json()).toEqual({ subject: 'u2', data: { role: 'admin' } })
  })

  it('lets anonymous requests through with optional, clearing a dead cookie', async () => {
    const manager = makeManager()
    const app = express()
    app.get('/home', sessionMiddleware(manager, { optional: true }), (req, res) => {
      res.json({ curfew: req.curfew, session: req.session ?? null })
    })
    const url = await serve(app, manager)
    const anonymous = await fetch(`${url}/home`)
    expect(anonymous.status).toBe(200)
    expect(await anonymous.json()).toEqual({ curfew: null, session: null })
    const garbage = await fetch(`${url}/home`, { headers: { cookie: 'curfew_session=nope' } })
    expect(garbage.status).toBe(200)
    expect(garbage.headers.getSetCookie()[0]).toMatch(/^curfew_session=; Max-Age=0/)
  })

  it('treats a throwing passive predicate as passive instead of failing the request', async () => {
    const manager = makeManager()
    const app = express()
    app.post('/login', async (_req, res) => {
      res.json(await signIn(res, manager, { subject: 'u1' }))
    })
    const passive = () => {
      throw new Error('bug in app code')
    }
    app.get('/poll', sessionMiddleware(manager, { passive }), (_req, res) => {
      res.json({ ok: true })
    })
    const url = await serve(app, manager)
    const cookie = await login(url)
    expect((await fetch(`${url}/poll`, { headers: { cookie } })).status).toBe(200)
  })

  it('works behind an app-wide express.json(), which has already read the body', async () => {
    const manager = makeManager()
    const app = express()
    app.use(express.json())
    app.post('/login', async (_req, res) => {
      res.json(await signIn(res, manager, { subject: 'u1' }))
    })
    app.use('/session', sessionRoutes(manager))
    const url = await serve(app, manager)
    const cookie = await login(url)
    const response = await fetch(`${url}/session/activity`, {
      method: 'POST',
      headers: { cookie, [CLIENT_HEADER]: '1', 'content-type': 'application/json' },
      body: '{"reason":"typing"}',
    })
    expect(response.status).toBe(200)
    const head = await fetch(`${url}/session`, { method: 'HEAD', headers: { cookie } })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })

  it('answers requireRecentAuth without sessionMiddleware with 401 no_session', async () => {
    const manager = makeManager()
    const app = express()
    app.get('/danger', requireRecentAuth('5m'), (_req, res) => {
      res.json({ ok: true })
    })
    const url = await serve(app, manager)
    const response = await fetch(`${url}/danger`)
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ error: 'no_session', reason: 'missing' })
  })

  it('takes adapter options in signIn and signOut, e.g. a custom cookie name', async () => {
    const manager = makeManager()
    const cookieOptions = { name: 'sid' }
    const app = express()
    app.post('/login', async (_req, res) => {
      res.json(await signIn(res, manager, { subject: 'u1', cookie: cookieOptions }))
    })
    app.get('/me', sessionMiddleware(manager, { cookie: cookieOptions }), (req, res) => {
      res.json({ subject: req.session?.subject })
    })
    app.post('/logout', async (req, res) => {
      const result = await signOut(req, res, { manager, cookie: cookieOptions })
      res.json(result)
    })
    const url = await serve(app, manager)
    const cookie = await login(url)
    expect(cookie).toMatch(/^sid=/)
    expect(await (await fetch(`${url}/me`, { headers: { cookie } })).json()).toEqual({ subject: 'u1' })
    const out = await fetch(`${url}/logout`, { method: 'POST', headers: { cookie, origin: url } })
    expect(await out.json()).toMatchObject({ ok: true, status: { reason: 'logout' } })
    expect(out.headers.getSetCookie()[0]).toMatch(/^sid=; Max-Age=0/)
  })
})
