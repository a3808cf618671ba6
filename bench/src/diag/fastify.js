// Profiling aid (not part of `pnpm bench`): CPU time of one GET /api/me through Fastify 5 with and
// without the Curfew plugin's `authenticate` hook, driven by `app.inject()` (no sockets, no HTTP
// parsing; light-my-request's own cost is in both and cancels in the difference).
//   node src/diag/fastify.js               # µs per request, both, and the difference
//   node --cpu-prof src/diag/fastify.js curfew
import { createSessionManager } from '@curfew/server'
import { fastifyCurfew } from '@curfew/server/fastify'
import Fastify from 'fastify'

const body = (subject) => ({ subject, plan: 'pro', features: ['a', 'b', 'c'] })
const manager = createSessionManager({ policy: { idleTimeout: '15m', absoluteTimeout: '12h' } })
const { token } = await manager.create({ subject: 'user-1' })
const headers = { host: '127.0.0.1:3000', cookie: `curfew_session=${token}`, 'user-agent': 'autocannon' }

const bare = Fastify()
bare.get('/api/me', async () => body('user-1'))
const curfew = Fastify()
await curfew.register(fastifyCurfew, { manager })
curfew.get('/api/me', { onRequest: curfew.curfew.authenticate }, async (request) =>
  body(request.curfew.session.subject),
)
await Promise.all([bare.ready(), curfew.ready()])
const variants = { bare, curfew }

async function run(app, count) {
  for (let i = 0; i < count; i++) {
    const response = await app.inject({ method: 'GET', url: '/api/me', headers })
    if (response.statusCode !== 200) throw new Error(`answered ${response.statusCode}`)
  }
}

const medians = {}
for (const name of process.argv[2] ? [process.argv[2]] : Object.keys(variants)) {
  await run(variants[name], 5_000)
  const times = []
  for (let round = 0; round < 9; round++) {
    const t0 = process.cpuUsage()
    await run(variants[name], 5_000)
    const { user, system } = process.cpuUsage(t0)
    times.push((user + system) / 5_000)
  }
  times.sort((a, b) => a - b)
  medians[name] = times[4]
  console.log(`${name}: ${times[4].toFixed(2)} µs CPU per request (median of 9 × 5,000)`)
}
if (medians.bare !== undefined && medians.curfew !== undefined) {
  console.log(`Curfew's share: ${(medians.curfew - medians.bare).toFixed(2)} µs per request`)
}
await Promise.all([bare.close(), curfew.close(), manager.close()])
