// README:start — the root README's "server in ten lines" is this block, verbatim (a test compares them).

import { createSessionManager } from '@curfew/server'
import { sessionMiddleware, sessionRoutes, signIn } from '@curfew/server/express'
import express from 'express'
import { checkPassword, listNotifications } from './users.js'

const manager = createSessionManager({ policy: { idleTimeout: '15m', absoluteTimeout: '12h' } })
const app = express().use(express.json())
app.use('/session', sessionRoutes(manager)) // GET status, POST activity|refresh|logout, GET policy
app.post('/login', async (req, res) => {
  const user = checkPassword(req.body)
  if (!user) return res.status(401).json({ error: 'invalid_credentials' })
  res.json(await signIn(res, manager, { subject: user.id }))
})
app.get('/api/me', sessionMiddleware(manager), (req, res) => res.json({ subject: req.session.subject }))
// polling never extends the session:
app.get('/api/notifications', sessionMiddleware(manager, { passive: true }), (req, res) =>
  res.json(listNotifications(req.session.subject)),
)

// README:end

import { signOut } from '@curfew/server/express'

app.post('/logout', async (req, res) => {
  const result = await signOut(req, res, manager)
  if (!result.ok) return res.status(result.httpStatus).json(result.body)
  res.json({ signedOut: true })
})

const port = Number(process.env.PORT ?? 3000)
app.listen(port, '127.0.0.1', () => console.log(`curfew express 4 example on http://127.0.0.1:${port}`))
