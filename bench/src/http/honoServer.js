// Hono variants of the HTTP bench (loaded by server.js), on @hono/node-server: `hono-bare` answers
// GET /api/me with the same JSON body as every other variant; `hono-curfew` guards it with the fetch
// adapter's `authenticate` in a Hono middleware over a MemoryStore, exactly as the README shows.

import { createSessionManager } from '@curfew/server'
import { createSessionHandler } from '@curfew/server/fetch'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { serveControl } from './control.js'

const variant = process.argv[2]
const policy = { idleTimeout: '15m', absoluteTimeout: '12h' }
const body = (subject) => ({ subject, plan: 'pro', features: ['a', 'b', 'c'] })
const app = new Hono()
const cleanups = []

if (variant === 'hono-bare') {
  app.get('/login', (c) => c.json({ ok: true }))
  app.get('/api/me', (c) => c.json(body('user-1')))
} else if (variant === 'hono-curfew') {
  const manager = createSessionManager({ policy })
  cleanups.push(() => manager.close())
  const curfew = createSessionHandler(manager)
  const requireSession = createMiddleware(async (c, next) => {
    const auth = await curfew.authenticate(c.req.raw, { incoming: c.env?.incoming })
    if (!auth.ok) return auth.response
    c.set('session', auth.session)
    await next()
    for (const [name, value] of auth.headerList) c.res.headers.append(name, value)
  })
  app.get('/login', async (c) => {
    const { status, headers } = await curfew.signIn(c.req.raw, { subject: 'user-1' })
    return Response.json(status, { headers })
  })
  app.use('/api/*', requireSession)
  app.get('/api/me', (c) => c.json(body(c.get('session').subject)))
} else {
  throw new Error(`unknown variant ${variant}`)
}

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) =>
  process.send({ port: info.port }),
)
serveControl(server, cleanups)
