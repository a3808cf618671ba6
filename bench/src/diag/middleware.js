// Profiling aid (not part of `pnpm bench`): CPU time of the Express session middleware alone, called
// with real Express request/response objects (no sockets, no HTTP parsing), against an async no-op.
//   node src/diag/middleware.js            # µs per call, both
//   node --cpu-prof src/diag/middleware.js curfew
import http from 'node:http'
import net from 'node:net'
import { createSessionManager } from '@curfew/server'
import { sessionMiddleware } from '@curfew/server/express'
import express from 'express'

const manager = createSessionManager({ policy: { idleTimeout: '15m', absoluteTimeout: '12h' } })
const { token } = await manager.create({ subject: 'user-1' })
const app = express()
const socket = new net.Socket()
const variants = {
  noop: async (_req, _res, next) => {
    await null
    next()
  },
  curfew: sessionMiddleware(manager),
}

function request() {
  const req = new http.IncomingMessage(socket)
  req.method = 'GET'
  req.url = '/api/me'
  req.originalUrl = '/api/me'
  req.headers = { host: '127.0.0.1:3000', cookie: `curfew_session=${token}`, 'user-agent': 'autocannon' }
  Object.setPrototypeOf(req, app.request)
  const res = new http.ServerResponse(req)
  Object.setPrototypeOf(res, app.response)
  req.res = res
  res.req = req
  req.app = app
  res.app = app
  // What Express's app.handle gives every request.
  res.locals = Object.create(null)
  return { req, res }
}

async function run(middleware, count) {
  for (let i = 0; i < count; i++) {
    const { req, res } = request()
    await new Promise((resolve) => middleware(req, res, resolve))
  }
}

// Rounds alternate the variants (A B A B …) so a busy machine's slow phases hit both alike; Curfew's
// share is the median of the per-round differences.
const names = process.argv[2] ? [process.argv[2]] : Object.keys(variants)
for (const name of names) await run(variants[name], 20_000)
const times = Object.fromEntries(names.map((name) => [name, []]))
for (let round = 0; round < 9; round++) {
  for (const name of names) {
    const t0 = process.cpuUsage()
    await run(variants[name], 20_000)
    const { user, system } = process.cpuUsage(t0)
    times[name].push((user + system) / 20_000)
  }
}
const median = (list) => [...list].sort((a, b) => a - b)[list.length >> 1]
for (const name of names) {
  console.log(`${name}: ${median(times[name]).toFixed(2)} µs CPU per call (median of 9 × 20,000)`)
}
if (times.noop && times.curfew) {
  const share = median(times.curfew.map((t, i) => t - times.noop[i]))
  console.log(`Curfew's share: ${share.toFixed(2)} µs per call (median of the rounds' differences)`)
}
await manager.close()
