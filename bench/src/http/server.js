// One variant of the HTTP bench, in its own process: `node server.js <variant>` with REDIS_URL and
// BENCH_PREFIX in the environment. Every variant serves the same authenticated JSON route GET /api/me
// and a GET /login that hands out a session cookie. Tells the parent its port over IPC.
import { createSessionManager, RedisStore } from '@curfew/server'
import { sessionMiddleware, signIn } from '@curfew/server/express'
import { RedisStore as ConnectRedisStore } from 'connect-redis'
import express from 'express'
import session from 'express-session'
import { connect } from '../lib/redis.js'
import { serveControl } from './control.js'

const variant = process.argv[2]
if (variant.startsWith('fastify-')) await import('./fastifyServer.js')
else if (variant.startsWith('hono-')) await import('./honoServer.js')
else await expressServer()

async function expressServer() {
  const policy = { idleTimeout: '15m', absoluteTimeout: '12h' }
  const SECRET = 'bench-secret-bench-secret-bench-secret'
  const app = express()
  app.disable('x-powered-by')
  const cleanups = []

  const body = (subject) => ({ subject, plan: 'pro', features: ['a', 'b', 'c'] })

  if (variant === 'bare') {
    app.get('/login', (_req, res) => res.json({ ok: true }))
    app.get('/api/me', (_req, res) => res.json(body('user-1')))
  } else if (variant === 'curfew-memory' || variant === 'curfew-redis') {
    let store
    if (variant === 'curfew-redis') {
      const client = await connect(process.env.REDIS_URL)
      store = new RedisStore({ client, prefix: process.env.BENCH_PREFIX })
      cleanups.push(() => client.quit())
    }
    const manager = createSessionManager({ policy, ...(store ? { store } : {}) })
    cleanups.push(() => manager.close())
    app.get('/login', async (_req, res) => res.json(await signIn(res, manager, { subject: 'user-1' })))
    app.get('/api/me', sessionMiddleware(manager), (req, res) => res.json(body(req.session.subject)))
  } else if (variant === 'es-memory' || variant === 'es-redis') {
    let store
    if (variant === 'es-redis') {
      const client = await connect(process.env.REDIS_URL)
      store = new ConnectRedisStore({ client, prefix: process.env.BENCH_PREFIX })
      cleanups.push(() => client.quit())
    }
    app.use(
      session({
        secret: SECRET,
        resave: false,
        saveUninitialized: false,
        // The closest express-session has to an idle timeout: every response re-sends the cookie and
        // the store's TTL is pushed forward (connect-redis: EXPIRE / MemoryStore: touch).
        rolling: true,
        cookie: { maxAge: 15 * 60_000, httpOnly: true, sameSite: 'lax' },
        ...(store ? { store } : {}),
      }),
    )
    app.get('/login', (req, res) => {
      req.session.subject = 'user-1'
      req.session.authTime = Date.now()
      res.json({ ok: true })
    })
    app.get('/api/me', (req, res) => {
      if (!req.session.subject) return res.status(401).json({ error: 'no_session' })
      res.json(body(req.session.subject))
    })
  } else {
    throw new Error(`unknown variant ${variant}`)
  }

  const server = app.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }))
  serveControl(server, cleanups)
}
