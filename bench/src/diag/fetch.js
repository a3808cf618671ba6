// Profiling aid (not part of `pnpm bench`): CPU time of one GET /api/me through Hono's `app.fetch`
// with and without the fetch adapter's `authenticate` in a middleware (as the README shows), called
// with Web `Request` objects directly (no sockets, no @hono/node-server), plus `authenticate` alone.
//   node src/diag/fetch.js                 # µs per request of each, and Curfew's share
//   node --cpu-prof src/diag/fetch.js curfew
import { createSessionManager } from '@curfew/server'
import { createSessionHandler } from '@curfew/server/fetch'
import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'

const body = (subject) => ({ subject, plan: 'pro', features: ['a', 'b', 'c'] })
const manager = createSessionManager({ policy: { idleTimeout: '15m', absoluteTimeout: '12h' } })
const { token } = await manager.create({ subject: 'user-1' })
const headers = { host: '127.0.0.1:3000', cookie: `curfew_session=${token}`, 'user-agent': 'autocannon' }
const curfew = createSessionHandler(manager)

const bare = new Hono()
bare.get('/api/me', (c) => c.json(body('user-1')))
const guarded = new Hono()
guarded.use(
  '/api/*',
  createMiddleware(async (c, next) => {
    const auth = await curfew.authenticate(c.req.raw)
    if (!auth.ok) return auth.response
    c.set('session', auth.session)
    await next()
    for (const [name, value] of auth.headerList) c.res.headers.append(name, value)
  }),
)
guarded.get('/api/me', (c) => c.json(body(c.get('session').subject)))

const request = () => new Request('http://127.0.0.1:3000/api/me', { headers })
const variants = {
  bare: async () => (await bare.fetch(request())).status,
  curfew: async () => (await guarded.fetch(request())).status,
  'request only': async () => (request() ? 200 : 0),
  'request + authenticate': async () => ((await curfew.authenticate(request())).ok ? 200 : 0),
}

async function run(call, count) {
  for (let i = 0; i < count; i++) {
    const status = await call()
    if (status !== 200) throw new Error(`answered ${status}`)
  }
}

const medians = {}
for (const name of process.argv[2] ? [process.argv[2]] : Object.keys(variants)) {
  await run(variants[name], 10_000)
  const times = []
  for (let round = 0; round < 9; round++) {
    const t0 = process.cpuUsage()
    await run(variants[name], 10_000)
    const { user, system } = process.cpuUsage(t0)
    times.push((user + system) / 10_000)
  }
  times.sort((a, b) => a - b)
  medians[name] = times[4]
  console.log(`${name}: ${times[4].toFixed(2)} µs CPU per call (median of 9 × 10,000)`)
}
if (medians.bare !== undefined && medians.curfew !== undefined) {
  console.log(`Curfew's share in Hono: ${(medians.curfew - medians.bare).toFixed(2)} µs per request`)
}
await manager.close()
