// Profiling aid (not part of `pnpm bench`): A/B of two builds of @curfew/server in one process, by user
// CPU per request (process.cpuUsage), in rounds that alternate the builds (A B, B A, …) so a shared
// machine's slow phases hit both alike. Each build gets its own manager and MemoryStore; every variant
// runs in-process without sockets: the manager's validate, Fastify's inject() with the plugin's hook,
// Hono's app.fetch with the fetch adapter (README pattern), and the Express middleware on real
// Express request objects (as diag/middleware.js); fastify-bare and hono-bare are the same routes
// without Curfew (identical in both builds: a reference for Curfew's share).
//   cp -r packages/server/dist packages/server/node_modules/.ab/base   # build A (node_modules: untracked,
//                                                                      # and @curfew/core still resolves)
//   node bench/src/diag/ab.js --a=packages/server/node_modules/.ab/base --b=packages/server/dist
//   node bench/src/diag/ab.js --b=packages/server/dist --only=fastify,hono --rounds=15 --count=5000
// Prints, per variant, each build's median µs of user CPU per call and the median of the rounds'
// B − A differences (negative: B is cheaper).
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import express from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, value = 'true'] = arg.replace(/^--/, '').split('=')
    return [key, value]
  }),
)
const rounds = Number(args.rounds ?? 11)
const count = Number(args.count ?? 5_000)
const builds = Object.fromEntries(
  ['a', 'b', 'c', 'd'].filter((key) => args[key]).map((key) => [key.toUpperCase(), path.resolve(args[key])]),
)
const body = (subject) => ({ subject, plan: 'pro', features: ['a', 'b', 'c'] })

async function variantsOf(dist) {
  const load = (file) => import(pathToFileURL(path.join(dist, file)).href)
  const { createSessionManager } = await load('index.js')
  const { fastifyCurfew } = await load('adapters/fastify/index.js')
  const { createSessionHandler } = await load('adapters/fetch/index.js')
  const { sessionMiddleware } = await load('adapters/express/index.js')
  const manager = createSessionManager({ policy: { idleTimeout: '15m', absoluteTimeout: '12h' } })
  const { token } = await manager.create({ subject: 'user-1' })
  const headers = { host: '127.0.0.1:3000', cookie: `curfew_session=${token}`, 'user-agent': 'autocannon' }

  const fastify = Fastify()
  await fastify.register(fastifyCurfew, { manager })
  fastify.get('/api/me', { onRequest: fastify.curfew.authenticate }, async (request) =>
    body(request.curfew.session.subject),
  )
  await fastify.ready()
  const fastifyBare = Fastify()
  fastifyBare.get('/api/me', async () => body('user-1'))
  await fastifyBare.ready()

  const curfew = createSessionHandler(manager)
  const hono = new Hono()
  hono.use(
    '/api/*',
    createMiddleware(async (c, next) => {
      const auth = await curfew.authenticate(c.req.raw)
      if (!auth.ok) return auth.response
      c.set('session', auth.session)
      await next()
      for (const [name, value] of auth.headerList ?? auth.headers) c.res.headers.append(name, value)
    }),
  )
  hono.get('/api/me', (c) => c.json(body(c.get('session').subject)))
  const honoBare = new Hono()
  honoBare.get('/api/me', (c) => c.json(body('user-1')))

  const app = express()
  const socket = new net.Socket()
  const middleware = sessionMiddleware(manager)
  const expressRequest = () => {
    const req = new http.IncomingMessage(socket)
    req.method = 'GET'
    req.url = '/api/me'
    req.originalUrl = '/api/me'
    req.headers = { ...headers }
    Object.setPrototypeOf(req, app.request)
    const res = new http.ServerResponse(req)
    Object.setPrototypeOf(res, app.response)
    req.res = res
    res.req = req
    req.app = app
    res.app = app
    res.locals = Object.create(null)
    return { req, res }
  }
  const ok = (status) => {
    if (status !== 200) throw new Error(`answered ${status}`)
  }
  const validateOptions = { activity: true, meta: { method: 'GET' } }
  return {
    close: () => Promise.all([fastify.close(), fastifyBare.close(), manager.close()]),
    variants: {
      validate: async () => ok((await manager.validate(token, validateOptions)).ok ? 200 : 401),
      fastify: async () => ok((await fastify.inject({ method: 'GET', url: '/api/me', headers })).statusCode),
      'fastify-bare': async () =>
        ok((await fastifyBare.inject({ method: 'GET', url: '/api/me', headers })).statusCode),
      'hono-bare': async () =>
        ok((await honoBare.fetch(new Request('http://127.0.0.1:3000/api/me', { headers }))).status),
      hono: async () =>
        ok((await hono.fetch(new Request('http://127.0.0.1:3000/api/me', { headers }))).status),
      express: async () => {
        const { req, res } = expressRequest()
        await new Promise((resolve) => middleware(req, res, resolve))
        ok(req.curfew ? 200 : 401)
      },
    },
  }
}

const loaded = {}
for (const [name, dist] of Object.entries(builds)) loaded[name] = await variantsOf(dist)
const names = Object.keys(loaded)
const variantNames = (args.only ?? 'validate,fastify,hono,express').split(',')

async function measure(call) {
  const t0 = process.cpuUsage()
  for (let i = 0; i < count; i++) await call()
  return process.cpuUsage(t0).user / count
}

// Warm-up: every build and variant twice, so each is optimised before the first measured round.
for (const variant of variantNames) {
  for (const name of names) {
    await measure(loaded[name].variants[variant])
    await measure(loaded[name].variants[variant])
  }
}
// Every round measures every variant of every build, builds in alternating order.
const times = {}
for (const variant of variantNames) for (const name of names) times[`${variant}/${name}`] = []
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? names : [...names].reverse()
  for (const variant of variantNames) {
    for (const name of order) times[`${variant}/${name}`].push(await measure(loaded[name].variants[variant]))
  }
}
const median = (list) => [...list].sort((x, y) => x - y)[list.length >> 1]
const diff = (x, y) => median(x.map((t, i) => t - y[i]))
const signed = (value) => `${value >= 0 ? '+' : ''}${value.toFixed(2)}`
for (const variant of variantNames) {
  const parts = names.map((name) => `${name} ${median(times[`${variant}/${name}`]).toFixed(2)} µs`)
  const a = times[`${variant}/A`]
  const b = times[`${variant}/B`]
  if (a && b) parts.push(`B − A ${signed(diff(b, a))} µs (${((diff(b, a) / median(a)) * 100).toFixed(1)} %)`)
  // Curfew's share: the median of the rounds' differences to the bare framework, per build.
  const bare = times[`${variant}-bare/${names[0]}`]
  if (bare) {
    for (const name of names)
      parts.push(`share ${name} ${signed(diff(times[`${variant}/${name}`], bare))} µs`)
  }
  console.log(`${variant}: ${parts.join(', ')} (user CPU per call, median of ${rounds} × ${count})`)
}
for (const name of names) await loaded[name].close()
