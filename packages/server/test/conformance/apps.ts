import { createServer, type Server } from 'node:http'
import { serveFetchApp } from '@curfew/testing'
import express from 'express'
import Fastify from 'fastify'
import {
  expressCurfew,
  requireRecentAuth,
  sessionMiddleware,
  sessionRoutes,
  signIn,
  signOut,
} from '../../src/adapters/express'
import { fastifyCurfew } from '../../src/adapters/fastify'
import { createSessionHandler } from '../../src/adapters/fetch'
import type { SessionManager } from '../../src/types'

/**
 * The same small app written with each adapter, so one suite can hold all three to the protocol:
 * - session routes at `/session`
 * - `POST /login` `{ subject, authTime? }` → signIn, 200 status
 * - `POST /signout` → signOut, 200 `{ status }` or the refusal
 * - `GET /api/me` protected → `{ subject, handle }`; `GET /api/poll` protected, passive per route
 * - `GET /api/sensitive` protected + requireRecentAuth('5m')
 * - `GET /optional/me` optional session → `{ subject }` (`null` when anonymous)
 * - `GET /optional/sensitive` optional session + requireRecentAuth('5m')
 */
export interface AdapterUnderTest {
  name: 'express' | 'fastify' | 'fetch'
  /** Starts the app on 127.0.0.1, port 0; resolves its base URL and a way to stop it. */
  start(manager: SessionManager): Promise<{ url: string; close(): Promise<void> }>
}

/**
 * The suites flood these servers with a thousand requests at once, in waves. A backlog above Node's 511
 * keeps the kernel from refusing connections of a wave, and a keep-alive longer than any pause between
 * waves on a loaded machine keeps the server from closing an idle socket just as the client reuses it
 * (the request would fail with ECONNRESET, a race of the test's sockets, not of Curfew).
 */
const KEEP_ALIVE_MS = 60_000
const BACKLOG = 4096

function listen(server: Server): Promise<{ url: string; close(): Promise<void> }> {
  server.keepAliveTimeout = KEEP_ALIVE_MS
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port: 0, host: '127.0.0.1', backlog: BACKLOG }, () => {
      const address = server.address()
      if (address === null || typeof address === 'string') throw new Error('no TCP address')
      resolve({
        url: `http://127.0.0.1:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      })
    })
  })
}

function loginInput(body: unknown): { subject: string; authTime?: number } {
  const input = (body ?? {}) as { subject?: unknown; authTime?: unknown }
  return {
    subject: typeof input.subject === 'string' ? input.subject : 'anonymous',
    ...(typeof input.authTime === 'number' ? { authTime: input.authTime } : {}),
  }
}

export const expressAdapter: AdapterUnderTest = {
  name: 'express',
  start(manager) {
    const app = express()
    app.use('/session', sessionRoutes(manager))
    app.post('/login', express.json(), async (req, res) => {
      res.json(await signIn(res, manager, loginInput(req.body)))
    })
    app.post('/signout', async (req, res) => {
      const result = await signOut(req, res, manager)
      if (!result.ok) res.status(result.httpStatus).json(result.body)
      else res.json({ status: result.status })
    })
    // The configured-once form, beside the standalone functions above and below.
    const curfew = expressCurfew(manager)
    const optional = curfew.sessionMiddleware({ optional: true })
    app.get('/optional/me', optional, (req, res) => {
      res.json({ subject: req.curfew?.session.subject ?? null })
    })
    app.get('/optional/sensitive', optional, curfew.requireRecentAuth('5m'), (req, res) => {
      res.json({ subject: req.curfew?.session.subject ?? null })
    })
    app.get('/api/poll', sessionMiddleware(manager, { passive: true }), (req, res) => {
      res.json({ subject: req.session?.subject })
    })
    app.use('/api', sessionMiddleware(manager))
    app.get('/api/me', (req, res) => {
      res.json({ subject: req.session?.subject, handle: req.curfew?.session.handle })
    })
    app.get('/api/sensitive', requireRecentAuth('5m'), (req, res) => {
      res.json({ subject: req.session?.subject })
    })
    return listen(createServer(app))
  },
}

export const fastifyAdapter: AdapterUnderTest = {
  name: 'fastify',
  async start(manager) {
    const app = Fastify({ keepAliveTimeout: KEEP_ALIVE_MS })
    await app.register(fastifyCurfew, { manager })
    // A form sign-out, as @fastify/formbody would accept it, so signOut() itself judges cross-site forms.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    )
    app.post('/login', async (request, reply) => reply.signIn(loginInput(request.body)))
    app.post('/signout', async (_request, reply) => {
      const result = await reply.signOut()
      if (!result.ok) return reply.code(result.httpStatus).send(result.body)
      return { status: result.status }
    })
    app.register(async (api) => {
      api.addHook('onRequest', api.curfew.authenticate)
      api.get('/api/me', async (request) => ({
        subject: request.curfew?.session.subject,
        handle: request.curfew?.session.handle,
      }))
      api.get('/api/poll', { config: { curfew: { passive: true } } }, async (request) => ({
        subject: request.curfew?.session.subject,
      }))
      api.get('/api/sensitive', { preHandler: api.curfew.requireRecentAuth('5m') }, async (request) => ({
        subject: request.curfew?.session.subject,
      }))
    })
    app.register(async (scope) => {
      scope.addHook('onRequest', scope.curfew.authenticateWith({ optional: true }))
      scope.get('/optional/me', async (request) => ({ subject: request.curfew?.session.subject ?? null }))
      scope.get(
        '/optional/sensitive',
        { preHandler: scope.curfew.requireRecentAuth('5m') },
        async (request) => ({ subject: request.curfew?.session.subject ?? null }),
      )
    })
    const url = await app.listen({ port: 0, host: '127.0.0.1', backlog: BACKLOG })
    return { url, close: () => app.close() }
  },
}

export const fetchAdapter: AdapterUnderTest = {
  name: 'fetch',
  start(manager) {
    const curfew = createSessionHandler(manager)
    const recentAuth = curfew.requireRecentAuth('5m')
    return listen(
      serveFetchApp(async (request) => {
        const routed = await curfew.handle(request)
        if (routed) return routed
        const { pathname } = new URL(request.url)
        if (pathname === '/login' && request.method === 'POST') {
          const { status, headers } = await curfew.signIn(request, loginInput(await request.json()))
          return Response.json(status, { headers })
        }
        if (pathname === '/signout' && request.method === 'POST') {
          const result = await curfew.signOut(request)
          return result.ok
            ? Response.json({ status: result.status }, { headers: result.headers })
            : result.response
        }
        if (pathname.startsWith('/optional/')) {
          const auth = await curfew.authenticate(request, { optional: true })
          if (!auth.ok) return auth.response
          if (pathname === '/optional/sensitive') {
            const refusal = recentAuth(auth)
            if (refusal) return refusal
          }
          return Response.json({ subject: auth.session?.subject ?? null }, { headers: auth.headers })
        }
        if (pathname.startsWith('/api/')) {
          const auth = await curfew.authenticate(request, { passive: pathname === '/api/poll' })
          if (!auth.ok) return auth.response
          if (pathname === '/api/sensitive') {
            const refusal = curfew.requireRecentAuth(auth, '5m')
            if (refusal) return refusal
          }
          return Response.json(
            { subject: auth.session.subject, handle: auth.session.handle },
            { headers: auth.headers },
          )
        }
        return Response.json({ error: 'not_found' }, { status: 404 })
      }),
    )
  },
}

export const adapters: AdapterUnderTest[] = [expressAdapter, fastifyAdapter, fetchAdapter]
