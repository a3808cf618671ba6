import type { Duration, SessionStatus } from '@curfew/core'
import type { Request as ExpressRequest, Response as ExpressResponse, RequestHandler, Router } from 'express'
import Fastify, { type FastifyReply, type FastifyRequest, type onRequestAsyncHookHandler } from 'fastify'
import { describe, expectTypeOf, it } from 'vitest'
import {
  type ExpressCurfew,
  type CurfewRequestState as ExpressState,
  expressCurfew,
  requireRecentAuth,
  type SignOutResult,
  sessionMiddleware,
  sessionRoutes,
  signIn,
  signOut,
} from '../adapters/express'
import { type CurfewDecorator, type FastifySignOutResult, fastifyCurfew } from '../adapters/fastify'
import {
  type Anonymous,
  type Authenticated,
  createSessionHandler,
  type NotAuthenticated,
  type RecentAuthGuard,
  type SessionHandler,
  type SignedIn,
  type SignedOut,
} from '../adapters/fetch'
import type { CurfewRequestState } from '../http'
import type { SessionInfo, SessionManager } from '../index'

declare const manager: SessionManager

describe('public types of @curfew/server/express', () => {
  it('augments the Express request with req.session and req.curfew', () => {
    expectTypeOf<ExpressRequest['session']>().toEqualTypeOf<SessionInfo | undefined>()
    expectTypeOf<ExpressRequest['curfew']>().toEqualTypeOf<CurfewRequestState | null | undefined>()
    expectTypeOf<ExpressState>().toEqualTypeOf<CurfewRequestState>()
    expectTypeOf<CurfewRequestState['source']>().toEqualTypeOf<'cookie' | 'bearer'>()
  })

  it('builds middleware and routers from the manager, configured once or per call', () => {
    expectTypeOf(expressCurfew).parameters.toEqualTypeOf<
      [manager: SessionManager, options?: Parameters<typeof expressCurfew>[1]]
    >()
    const curfew = expressCurfew(manager, { cookie: { sameSite: 'strict' }, realm: 'app' })
    expectTypeOf(curfew).toEqualTypeOf<ExpressCurfew>()
    expectTypeOf(
      curfew.sessionMiddleware({ optional: true, passive: (req) => req.path === '/poll' }),
    ).toEqualTypeOf<RequestHandler>()
    expectTypeOf(curfew.sessionRoutes()).toEqualTypeOf<Router>()
    expectTypeOf(curfew.requireRecentAuth('5m')).toEqualTypeOf<RequestHandler>()
    expectTypeOf(sessionMiddleware(manager, { passive: true })).toEqualTypeOf<RequestHandler>()
    expectTypeOf(sessionRoutes(manager)).toEqualTypeOf<Router>()
    expectTypeOf(requireRecentAuth(300_000, { manager })).toEqualTypeOf<RequestHandler>()
    // @ts-expect-error: sameSite is a closed union
    expressCurfew(manager, { cookie: { sameSite: 'relaxed' } })
  })

  it('signs in to the status and signs out to one result type', () => {
    const curfew = expressCurfew(manager)
    expectTypeOf(curfew.signIn).returns.toEqualTypeOf<Promise<SessionStatus>>()
    expectTypeOf(signIn).returns.toEqualTypeOf<Promise<SessionStatus>>()
    expectTypeOf(curfew.signOut).parameters.toEqualTypeOf<[req: ExpressRequest, res: ExpressResponse]>()
    expectTypeOf(curfew.signOut).returns.toEqualTypeOf<Promise<SignOutResult>>()
    expectTypeOf(signOut).returns.toEqualTypeOf<Promise<SignOutResult>>()
    const narrow = (result: SignOutResult) => {
      if (result.ok) expectTypeOf(result.status).toEqualTypeOf<SessionStatus | null>()
      else {
        expectTypeOf(result.httpStatus).toEqualTypeOf<number>()
        expectTypeOf(result.body.error).toEqualTypeOf<'csrf' | 'store_unavailable'>()
      }
    }
    expectTypeOf(narrow).toBeFunction()
  })
})

describe('public types of @curfew/server/fastify', () => {
  it('decorates the instance, the request and the reply', () => {
    const app = Fastify()
    app.register(fastifyCurfew, { manager, basePath: '/auth' })
    app.register(fastifyCurfew, { manager, basePath: false, cookie: { name: 'sid' } })
    // @ts-expect-error: the plugin needs the manager
    app.register(fastifyCurfew, { basePath: '/auth' })
    expectTypeOf(app.curfew).toEqualTypeOf<CurfewDecorator>()
    expectTypeOf(app.curfew.authenticate).toEqualTypeOf<onRequestAsyncHookHandler>()
    expectTypeOf(app.curfew.authenticateWith({ optional: true })).toEqualTypeOf<onRequestAsyncHookHandler>()
    expectTypeOf(app.curfew.requireRecentAuth).parameter(0).toEqualTypeOf<number | string>()
    expectTypeOf<FastifyRequest['curfew']>().toEqualTypeOf<CurfewRequestState | null>()
    expectTypeOf<FastifyReply['signIn']>().returns.toEqualTypeOf<Promise<SessionStatus>>()
    expectTypeOf<FastifyReply['signOut']>().returns.toEqualTypeOf<Promise<FastifySignOutResult>>()
    expectTypeOf<FastifySignOutResult>().toEqualTypeOf<SignOutResult>()
    app.get(
      '/poll',
      { onRequest: app.curfew.authenticate, config: { curfew: { passive: true } } },
      async (request) => expectTypeOf(request.curfew?.session.subject).toEqualTypeOf<string | undefined>(),
    )
  })
})

describe('public types of @curfew/server/fetch', () => {
  const curfew = createSessionHandler(manager, { basePath: '/auth', allowedOrigins: ['https://app.example'] })

  it('handles session routes and authenticates to a union discriminated by ok', () => {
    expectTypeOf(curfew).toEqualTypeOf<SessionHandler>()
    expectTypeOf(curfew.handle).returns.toEqualTypeOf<Promise<Response | null>>()
    const request = new Request('http://localhost/')
    expectTypeOf(curfew.authenticate(request)).toEqualTypeOf<Promise<Authenticated | NotAuthenticated>>()
    expectTypeOf(curfew.authenticate(request, { passive: true })).toEqualTypeOf<
      Promise<Authenticated | NotAuthenticated>
    >()
    // Only `optional: true` can let an anonymous request through.
    expectTypeOf(curfew.authenticate(request, { optional: true })).toEqualTypeOf<
      Promise<Authenticated | Anonymous | NotAuthenticated>
    >()
    expectTypeOf<Authenticated>().toExtend<CurfewRequestState>()
    expectTypeOf<Anonymous['session']>().toEqualTypeOf<null>()
    expectTypeOf<NotAuthenticated['response']>().toEqualTypeOf<Response>()
  })

  it('signs in and out with headers to send, and builds recent-auth guards', () => {
    const request = new Request('http://localhost/')
    expectTypeOf(curfew.signIn(request, { subject: 'u1' })).toEqualTypeOf<Promise<SignedIn>>()
    expectTypeOf<SignedIn['headers']>().toEqualTypeOf<Headers>()
    expectTypeOf(curfew.signOut(request)).toEqualTypeOf<Promise<SignedOut>>()
    expectTypeOf<Extract<SignedOut, { ok: true }>['headers']>().toEqualTypeOf<Headers>()
    expectTypeOf<Extract<SignedOut, { ok: false }>['response']>().toEqualTypeOf<Response>()
    expectTypeOf<SignedOut>().toExtend<SignOutResult>()
    expectTypeOf(curfew.requireRecentAuth('5m')).toEqualTypeOf<RecentAuthGuard>()
    expectTypeOf<RecentAuthGuard>().returns.toEqualTypeOf<Response | null>()
    const guard = (auth: Authenticated, maxAge: Duration) =>
      expectTypeOf(curfew.requireRecentAuth(auth, maxAge)).toEqualTypeOf<Response | null>()
    expectTypeOf(guard).toBeFunction()
  })
})
