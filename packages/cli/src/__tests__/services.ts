import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createSessionManager, type PolicyOption, type SessionManager } from '@curfew/server'
import { sessionMiddleware, sessionRoutes, signIn } from '@curfew/server/express'
import { fastifyCurfew } from '@curfew/server/fastify'
import { createSessionHandler } from '@curfew/server/fetch'
import { serveFetchApp } from '@curfew/testing'
import express from 'express'
import Fastify from 'fastify'

/** A running service: its session base URL, its manager, and how to stop it. */
export interface Service {
  url: string
  manager: SessionManager
  close(): Promise<void>
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })

/** Express 5 with `sessionRoutes` at /session, a protected /api/me and a /login. */
export async function expressService(policy: PolicyOption): Promise<Service> {
  const manager = createSessionManager({ policy })
  const app = express()
  app.use('/session', sessionRoutes(manager))
  app.post('/login', async (_req, res) => {
    res.json(await signIn(res, manager, { subject: 'express-user' }))
  })
  app.get('/api/me', sessionMiddleware(manager), (req, res) => {
    res.json({ subject: req.curfew?.session.subject })
  })
  const server = createServer(app)
  const origin = await listen(server)
  return {
    url: `${origin}/session`,
    manager,
    close: async () => {
      await closeServer(server)
      await manager.close()
    },
  }
}

/** Fastify 5 with the `fastifyCurfew` plugin (session routes at /session) and a protected /api/me. */
export async function fastifyService(policy: PolicyOption): Promise<Service> {
  const manager = createSessionManager({ policy })
  const app = Fastify()
  await app.register(fastifyCurfew, { manager })
  app.post('/login', async (_request, reply) => reply.signIn({ subject: 'fastify-user' }))
  app.get('/api/me', { onRequest: app.curfew.authenticate }, async (request) => ({
    subject: request.curfew?.session.subject,
  }))
  const origin = await app.listen({ port: 0, host: '127.0.0.1' })
  return {
    url: `${origin}/session`,
    manager,
    close: async () => {
      await app.close()
      await manager.close()
    },
  }
}

/**
 * A Web `Request`/`Response` app (`createSessionHandler`) served through node:http the way
 * `@hono/node-server` does. `redeploy(policy)` swaps in a new manager on the same address, like a
 * rolling deploy of a fixed configuration.
 */
export async function fetchService(
  policy: PolicyOption,
): Promise<Service & { redeploy(policy: PolicyOption): Promise<void> }> {
  const build = (p: PolicyOption) => {
    const manager = createSessionManager({ policy: p })
    return { manager, curfew: createSessionHandler(manager, { basePath: '/session' }) }
  }
  let current = build(policy)
  const app = async (request: Request): Promise<Response> => {
    const { curfew } = current
    const path = new URL(request.url).pathname
    if (path === '/login' && request.method === 'POST') {
      const { status, headers } = await curfew.signIn(request, { subject: 'fetch-user' })
      headers.set('content-type', 'application/json')
      return new Response(JSON.stringify(status), { headers })
    }
    if (path === '/api/me') {
      const auth = await curfew.authenticate(request)
      if (!auth.ok) return auth.response
      auth.headers.set('content-type', 'application/json')
      return new Response(JSON.stringify({ subject: auth.session.subject }), { headers: auth.headers })
    }
    return (await curfew.handle(request)) ?? new Response(null, { status: 404 })
  }
  const server = serveFetchApp(app)
  const origin = await listen(server)
  const service = {
    url: `${origin}/session`,
    manager: current.manager,
    async redeploy(next: PolicyOption) {
      const previous = current
      current = build(next)
      service.manager = current.manager
      await previous.manager.close()
    },
    close: async () => {
      await closeServer(server)
      await current.manager.close()
    },
  }
  return service
}
