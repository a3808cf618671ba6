// One consumer, compiled as CommonJS (.cts under node16), ESM (.mts under node16) and ESM under bundler
// resolution, with skipLibCheck off: every declaration file it reaches must type-check.
import { createSessionClient } from '@curfew/client'
import { definePolicy, presets } from '@curfew/core'
import { createGateway, parseConfig } from '@curfew/gateway'
import { SessionTimeoutDialog, SessionTimeoutProvider, useSessionTimeout } from '@curfew/react'
import { createSessionManager, type SessionInfo, verifyAccessToken } from '@curfew/server'
import { sessionMiddleware, sessionRoutes, signIn } from '@curfew/server/express'
import { fastifyCurfew } from '@curfew/server/fastify'
import { createSessionHandler } from '@curfew/server/fetch'
import { createOidcRelyingParty, MemoryOidcSessionLinks } from '@curfew/server/oidc'
import { socketSessionMiddleware } from '@curfew/server/socket.io'
import { endStreamAtSessionEnd } from '@curfew/server/sse'
import { authenticateUpgrade, closeAtSessionEnd } from '@curfew/server/ws'
import express from 'express'
import { Hono } from 'hono'

const manager = createSessionManager({
  policy: definePolicy({ idleTimeout: '15m', absoluteTimeout: '12h' }),
  policies: undefined,
  tokens: { privateKey: { kty: 'oct', k: 'c2VjcmV0' }, issuer: 'https://app.example' },
})
void presets.pciDss4

const app = express()
app.use('/session', sessionRoutes(manager))
app.post('/login', async (_req, res) => {
  res.json(await signIn(res, manager, { subject: 'ada' }))
})
app.get('/api/me', sessionMiddleware(manager), (req, res) => {
  res.json({ subject: req.session?.subject })
})

const curfew = createSessionHandler(manager)
const hono = new Hono<{ Variables: { session: SessionInfo } }>()
hono.use('/api/*', async (c, next) => {
  const auth = await curfew.authenticate(c.req.raw)
  if (!auth.ok) return auth.response
  c.set('session', auth.session)
  await next()
})
hono.get('/api/me', (c) => c.json({ subject: c.get('session').subject }))

export const checks = [
  fastifyCurfew,
  socketSessionMiddleware,
  endStreamAtSessionEnd,
  authenticateUpgrade,
  closeAtSessionEnd,
  createGateway,
  parseConfig,
  verifyAccessToken('jwt', { secret: 'secret', issuer: 'https://app.example' }),
  createSessionClient({ endpoint: '/session' }),
  SessionTimeoutDialog,
  SessionTimeoutProvider,
  useSessionTimeout,
  createOidcRelyingParty,
  new MemoryOidcSessionLinks(),
]
