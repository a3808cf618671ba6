// Profiling aid (not part of `pnpm bench`): A/B of two builds of @curfew/server over real HTTP. One
// server process (a child) serves bare Fastify and bare Hono, and Fastify + Curfew and Hono + Curfew
// (README patterns, MemoryStore) of each build, each on its own loopback port; this process drives them
// with autocannon, a fixed number of requests per round, in rounds that alternate the builds, and reads
// the server's user CPU (process.cpuUsage, over IPC) around each round. Timers, sockets and the event
// loop are real here, which diag/ab.js (in-process, no event-loop turns) does not show.
//   cp -r packages/server/dist packages/server/node_modules/.ab/base
//   node bench/src/diag/ab-http.js --a=packages/server/node_modules/.ab/base --b=packages/server/dist
//   node bench/src/diag/ab-http.js --b=packages/server/dist --only=fastify --rounds=9 --amount=20000
import { fork } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import autocannon from 'autocannon'

const self = fileURLToPath(import.meta.url)
const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, value = 'true'] = arg.replace(/^--/, '').split('=')
    return [key, value]
  }),
)
const body = (subject) => ({ subject, plan: 'pro', features: ['a', 'b', 'c'] })

async function serve() {
  const { default: Fastify } = await import('fastify')
  const { Hono } = await import('hono')
  const { createMiddleware } = await import('hono/factory')
  const { serve: honoServe } = await import('@hono/node-server')
  const builds = JSON.parse(process.env.AB_BUILDS)
  const servers = {}
  const listen = async (name, fastify) => {
    await fastify.listen({ port: 0, host: '127.0.0.1' })
    servers[name] = { port: fastify.server.address().port }
  }
  const listenHono = (name, app) =>
    new Promise((resolve) => {
      const server = honoServe({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
        servers[name] = { port: info.port }
        resolve(server)
      })
    })
  const bare = Fastify()
  bare.get('/api/me', async () => body('user-1'))
  await listen('fastify-bare', bare)
  const honoBare = new Hono()
  honoBare.get('/api/me', (c) => c.json(body('user-1')))
  await listenHono('hono-bare', honoBare)
  for (const [name, dist] of Object.entries(builds)) {
    const load = (file) => import(pathToFileURL(path.join(dist, file)).href)
    const { createSessionManager } = await load('index.js')
    const { fastifyCurfew } = await load('adapters/fastify/index.js')
    const { createSessionHandler } = await load('adapters/fetch/index.js')
    const manager = createSessionManager({ policy: { idleTimeout: '15m', absoluteTimeout: '12h' } })
    const { token } = await manager.create({ subject: 'user-1' })
    const fastify = Fastify()
    await fastify.register(fastifyCurfew, { manager })
    fastify.get('/api/me', { onRequest: fastify.curfew.authenticate }, async (request) =>
      body(request.curfew.session.subject),
    )
    await listen(`fastify/${name}`, fastify)
    servers[`fastify/${name}`].token = token
    const curfew = createSessionHandler(manager)
    const hono = new Hono()
    hono.use(
      '/api/*',
      createMiddleware(async (c, next) => {
        // The README pattern; a build from before `incoming`/`headerList` ignores the one, lacks the other.
        const auth = await curfew.authenticate(c.req.raw, { incoming: c.env?.incoming })
        if (!auth.ok) return auth.response
        c.set('session', auth.session)
        await next()
        for (const [header, value] of auth.headerList ?? auth.headers) c.res.headers.append(header, value)
      }),
    )
    hono.get('/api/me', (c) => c.json(body(c.get('session').subject)))
    await listenHono(`hono/${name}`, hono)
    servers[`hono/${name}`].token = token
  }
  process.on('message', () => process.send(process.cpuUsage()))
  process.send({ servers })
}

async function drive() {
  const builds = Object.fromEntries(
    ['a', 'b', 'c', 'd']
      .filter((key) => args[key])
      .map((key) => [key.toUpperCase(), path.resolve(args[key])]),
  )
  const rounds = Number(args.rounds ?? 9)
  const amount = Number(args.amount ?? 20_000)
  const connections = Number(args.connections ?? 16)
  const child = fork(self, ['--serve'], { env: { ...process.env, AB_BUILDS: JSON.stringify(builds) } })
  const { servers } = await new Promise((resolve) => child.once('message', resolve))
  const cpu = () =>
    new Promise((resolve) => {
      child.once('message', resolve)
      child.send('cpu')
    })
  const hit = (server, count) =>
    autocannon({
      url: `http://127.0.0.1:${server.port}/api/me`,
      connections,
      pipelining: 1,
      amount: count,
      headers: server.token ? { cookie: `curfew_session=${server.token}` } : {},
    })
  const frameworks = (args.only ?? 'fastify,hono').split(',')
  const names = Object.keys(builds)
  const variants = frameworks.flatMap((framework) => [
    `${framework}-bare`,
    ...names.map((name) => `${framework}/${name}`),
  ])
  for (const variant of variants) await hit(servers[variant], amount / 2)
  const times = Object.fromEntries(variants.map((variant) => [variant, []]))
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse()
    for (const variant of order) {
      const before = await cpu()
      const result = await hit(servers[variant], amount)
      const after = await cpu()
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${variant}: ${result.non2xx} non-2xx`)
      times[variant].push((after.user - before.user) / result.requests.total)
    }
  }
  const median = (list) => [...list].sort((x, y) => x - y)[list.length >> 1]
  const diff = (x, y) => median(x.map((t, i) => t - y[i]))
  const signed = (value) => `${value >= 0 ? '+' : ''}${value.toFixed(2)}`
  for (const framework of frameworks) {
    const bare = times[`${framework}-bare`]
    const parts = [`bare ${median(bare).toFixed(2)} µs`]
    for (const name of names) {
      const own = times[`${framework}/${name}`]
      parts.push(`${name} ${median(own).toFixed(2)} µs (share ${signed(diff(own, bare))})`)
    }
    if (times[`${framework}/A`] && times[`${framework}/B`]) {
      parts.push(`B − A ${signed(diff(times[`${framework}/B`], times[`${framework}/A`]))} µs`)
    }
    console.log(
      `${framework}: ${parts.join(', ')} server user CPU per request (median of ${rounds} rounds × ${amount})`,
    )
  }
  child.kill()
}

if (process.argv.includes('--serve')) await serve()
else await drive()
