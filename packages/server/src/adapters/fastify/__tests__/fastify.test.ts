import { CLIENT_HEADER } from '@curfew/core'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { createSessionManager, MemoryStore } from '../../../index'
import type { SessionManager } from '../../../types'
import { fastifyCurfew } from '../index'

const T0 = Date.UTC(2026, 0, 1)
const open: Array<{ app: FastifyInstance; manager: SessionManager }> = []

async function build(options: { basePath?: string | false } = {}) {
  const manager = createSessionManager({
    policy: { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: 0 },
    now: () => T0,
  })
  const app = Fastify()
  await app.register(fastifyCurfew, { manager, ...options })
  app.post('/login', async (_request, reply) => reply.signIn({ subject: 'u1' }))
  open.push({ app, manager })
  return app
}

async function cookieOf(app: FastifyInstance): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/login' })
  return String(response.headers['set-cookie']).split(';')[0]!
}

afterEach(async () => {
  for (const { app, manager } of open.splice(0)) {
    await app.close()
    await manager.close()
  }
})

describe('fastify adapter', () => {
  it('decorates the scope it is registered in, not a child scope', async () => {
    const app = await build()
    expect(app.hasDecorator('curfew')).toBe(true)
    expect(app.hasRequestDecorator('curfew')).toBe(true)
    expect(app.hasReplyDecorator('signIn')).toBe(true)
    expect(app.hasReplyDecorator('signOut')).toBe(true)
  })

  it('registers the session routes under basePath, or none', async () => {
    const custom = await build({ basePath: '/auth/session' })
    expect((await custom.inject({ url: '/auth/session/policy' })).statusCode).toBe(200)
    expect((await custom.inject({ url: '/auth/session' })).statusCode).toBe(401)
    expect((await custom.inject({ url: '/session/policy' })).statusCode).toBe(404)
    const none = await build({ basePath: false })
    expect((await none.inject({ url: '/session/policy' })).statusCode).toBe(404)
  })

  it('judges any body on a session POST itself: a non-JSON type is 400 malformed_json, not 415', async () => {
    const app = await build()
    const cookie = await cookieOf(app)
    const response = await app.inject({
      method: 'POST',
      url: '/session/activity',
      headers: { cookie, [CLIENT_HEADER]: '1', 'content-type': 'application/xml' },
      payload: '<a/>',
    })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ error: 'bad_request', reason: 'malformed_json' })
  })

  // Found by the reliability suite (packages/reliability): Fastify's own 415 escaped untyped.
  it('answers a body with an empty Content-Type typed (400 bad_request), not with Fastify 415', async () => {
    const app = await build()
    const cookie = await cookieOf(app)
    for (const method of ['POST', 'PATCH'] as const) {
      const response = await app.inject({
        method,
        url: '/session/activity',
        headers: { cookie, [CLIENT_HEADER]: '1', 'content-type': '' },
        payload: '{}',
      })
      expect(response.statusCode).toBe(400)
      expect(response.json()).toMatchObject({ error: 'bad_request', reason: 'malformed_header' })
    }
  })

  it('leaves OPTIONS to the app (CORS preflights)', async () => {
    const app = await build()
    const response = await app.inject({ method: 'OPTIONS', url: '/session/activity' })
    expect(response.statusCode).toBe(404)
  })

  it('lets anonymous requests through with authenticateWith({ optional: true })', async () => {
    const app = await build()
    app.get('/home', { onRequest: app.curfew.authenticateWith({ optional: true }) }, async (request) => ({
      curfew: request.curfew,
    }))
    const response = await app.inject({ url: '/home' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ curfew: null })
    const cookie = await cookieOf(app)
    const signedIn = await app.inject({ url: '/home', headers: { cookie } })
    expect(signedIn.json().curfew.session.subject).toBe('u1')
  })

  it('runs authenticate as a route hook with a MemoryStore and with an async store, and awaited from your own async hook', async () => {
    const app = await build()
    const slow = createSessionManager({
      policy: { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: 0 },
      now: () => T0,
      // A subclass overriding check answers through a promise: the hook's asynchronous path.
      store: new (class extends MemoryStore {
        override check(input: Parameters<MemoryStore['check']>[0]) {
          return super.check(input)
        }
      })({ now: () => T0 }),
    })
    const slowApp = Fastify()
    open.push({ app: slowApp, manager: slow })
    await slowApp.register(fastifyCurfew, { manager: slow })
    slowApp.get('/slow', { onRequest: slowApp.curfew.authenticate }, async (request) => ({
      subject: request.curfew?.session.subject,
    }))
    slowApp.post('/login', async (_request, reply) => reply.signIn({ subject: 'u2' }))
    app.get('/me', { onRequest: app.curfew.authenticate }, async (request) => ({
      subject: request.curfew?.session.subject,
    }))
    app.get('/wrapped', {
      onRequest: async (request, reply) => {
        await app.curfew.authenticate.call(app, request, reply)
      },
      handler: async (request) => ({ subject: request.curfew?.session.subject ?? null }),
    })
    const cookie = await cookieOf(app)
    const me = await app.inject({ url: '/me', headers: { cookie } })
    expect(me.statusCode).toBe(200)
    expect(me.json()).toEqual({ subject: 'u1' })
    expect(me.headers['curfew-session']).toMatch(/^v=1; s=active; /)
    expect((await app.inject({ url: '/me' })).statusCode).toBe(401)
    expect((await app.inject({ url: '/wrapped', headers: { cookie } })).json()).toEqual({ subject: 'u1' })
    const refused = await app.inject({ url: '/wrapped' })
    expect(refused.statusCode).toBe(401)
    expect(refused.json()).toMatchObject({ error: 'no_session', reason: 'missing' })

    const slowCookie = await cookieOf(slowApp)
    const viaPromise = await slowApp.inject({ url: '/slow', headers: { cookie: slowCookie } })
    expect(viaPromise.statusCode).toBe(200)
    expect(viaPromise.json()).toEqual({ subject: 'u2' })
    expect(viaPromise.headers['curfew-session']).toMatch(/^v=1; s=active; /)
    expect((await slowApp.inject({ url: '/slow', headers: { cookie } })).statusCode).toBe(401)
  })

  it('leaves the idle deadline alone on a route configured passive, by a route hook and by a scope hook', async () => {
    const clock = { now: T0 }
    const manager = createSessionManager({
      policy: { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: 0 },
      now: () => clock.now,
    })
    const app = Fastify()
    open.push({ app, manager })
    await app.register(fastifyCurfew, { manager })
    app.post('/login', async (_request, reply) => reply.signIn({ subject: 'u1' }))
    const passive = { curfew: { passive: true } }
    app.get('/route/poll', { onRequest: app.curfew.authenticate, config: passive }, async () => ({}))
    app.get('/route/work', { onRequest: app.curfew.authenticate }, async () => ({}))
    await app.register(async (scope) => {
      scope.addHook('onRequest', scope.curfew.authenticate)
      scope.get('/scope/poll', { config: passive }, async () => ({}))
      scope.get('/scope/work', async () => ({}))
    })
    const cookie = await cookieOf(app)
    const idleDeadline = async (url: string) => {
      const response = await app.inject({ url, headers: { cookie } })
      expect(response.statusCode).toBe(200)
      return Number(/; i=(\d+);/.exec(String(response.headers['curfew-session']))?.[1])
    }
    const minutes = 60_000
    clock.now = T0 + 5 * minutes
    expect(await idleDeadline('/route/poll')).toBe(T0 + 15 * minutes)
    expect(await idleDeadline('/scope/poll')).toBe(T0 + 15 * minutes)
    expect(await idleDeadline('/scope/work')).toBe(T0 + 20 * minutes)
    clock.now = T0 + 6 * minutes
    expect(await idleDeadline('/route/poll')).toBe(T0 + 20 * minutes)
    expect(await idleDeadline('/route/work')).toBe(T0 + 21 * minutes)
  })
})
