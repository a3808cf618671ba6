import { createSessionManager, type SessionInfo } from '@curfew/server'
import { createSessionHandler } from '@curfew/server/fetch'
import type { HttpBindings } from '@hono/node-server'
import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'

export const manager = createSessionManager({
  policy: {
    idleTimeout: process.env.CURFEW_IDLE ?? '15m',
    absoluteTimeout: process.env.CURFEW_ABSOLUTE ?? '12h',
  },
})
const curfew = createSessionHandler(manager)

// Declaring the variable is what lets `c.set('session', …)` and `c.get('session')` type-check;
// HttpBindings types `c.env.incoming`, the Node request @hono/node-server hands over.
type Env = { Bindings: HttpBindings; Variables: { session: SessionInfo } }

// README:start
/** Admits only requests with a live session; puts it on `c` and adds `Curfew-Session` to the answer. */
const requireSession = createMiddleware<Env>(async (c, next) => {
  // `incoming`: the cookie is read from Node's request, so @hono/node-server builds no Web Headers for
  // it (undefined under app.request() and on other runtimes, where request.headers is read instead).
  const auth = await curfew.authenticate(c.req.raw, { incoming: c.env?.incoming })
  if (!auth.ok) return auth.response
  c.set('session', auth.session)
  await next()
  // headerList: the same headers as plain pairs, with no Headers object built for them.
  for (const [name, value] of auth.headerList) c.res.headers.append(name, value)
})
// README:end

export const app = new Hono<Env>()

// The session routes the browser SDK calls: GET /session, POST /session/{activity,refresh,logout}, GET /session/policy.
app.on(
  ['GET', 'POST'],
  ['/session', '/session/*'],
  async (c) => (await curfew.handle(c.req.raw)) ?? c.notFound(),
)

app.post('/login', async (c) => {
  const { username, password } = await c.req.json<{ username?: string; password?: string }>()
  // Your own credential check goes here; this example accepts one demo user.
  if (username !== 'ada' || password !== 'lovelace') return c.json({ error: 'invalid_credentials' }, 401)
  const { status, headers } = await curfew.signIn(c.req.raw, { subject: username })
  return Response.json(status, { headers })
})

app.post('/logout', async (c) => {
  const result = await curfew.signOut(c.req.raw)
  if (!result.ok) return result.response
  return Response.json({ signedOut: true }, { headers: result.headers })
})

app.use('/api/*', requireSession)
app.get('/api/me', (c) => c.json({ subject: c.get('session').subject }))
