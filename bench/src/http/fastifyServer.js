// Fastify 5 variants of the HTTP bench (loaded by server.js): `fastify-bare` answers GET /api/me with
// the same JSON body as every other variant; `fastify-curfew` guards it with the Curfew plugin's
// `authenticate` hook over a MemoryStore, as the README shows.
import { createSessionManager } from '@curfew/server'
import { fastifyCurfew } from '@curfew/server/fastify'
import Fastify from 'fastify'
import { serveControl } from './control.js'

const variant = process.argv[2]
const policy = { idleTimeout: '15m', absoluteTimeout: '12h' }
const body = (subject) => ({ subject, plan: 'pro', features: ['a', 'b', 'c'] })
const app = Fastify({ logger: false })
const cleanups = [() => app.close()]

if (variant === 'fastify-bare') {
  app.get('/login', async () => ({ ok: true }))
  app.get('/api/me', async () => body('user-1'))
} else if (variant === 'fastify-curfew') {
  const manager = createSessionManager({ policy })
  cleanups.push(() => manager.close())
  await app.register(fastifyCurfew, { manager })
  app.get('/login', async (_request, reply) => reply.signIn({ subject: 'user-1' }))
  app.get('/api/me', { onRequest: app.curfew.authenticate }, async (request) =>
    body(request.curfew.session.subject),
  )
} else {
  throw new Error(`unknown variant ${variant}`)
}

await app.listen({ port: 0, host: '127.0.0.1' })
process.send({ port: app.server.address().port })
serveControl(app.server, cleanups)
