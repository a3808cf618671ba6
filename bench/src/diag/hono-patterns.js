// Profiling aid (not part of `pnpm bench`): what each part of a Hono middleware costs on
// @hono/node-server over real HTTP. One server process (a child) serves GET /api/me from several Hono
// apps on their own ports, all with one MemoryStore session; this process drives each with autocannon in
// rounds that alternate their order and reads the server's user and system CPU around each round.
//   bare        no middleware
//   middleware  an async middleware that only sets the variable and awaits next() (Hono's own cost)
//   validate    the same plus manager.validate(token) (Curfew's check, no HTTP layer)
//   headers     authenticate(c.req.raw) and `auth.headers` appended after next() (the README before
//               `incoming` and `headerList`: Web Headers for the request and for the answer)
//   readme      the README pattern: authenticate with `incoming: c.env.incoming`, `auth.headerList`
//   node build: node bench/src/diag/hono-patterns.js [--dist=packages/server/dist] [--rounds=9] [--amount=20000] [--only=bare,readme]
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
  const { Hono } = await import('hono')
  const { createMiddleware } = await import('hono/factory')
  const { serve: honoServe } = await import('@hono/node-server')
  const dist = process.env.HONO_PATTERNS_DIST
  const load = (file) => import(pathToFileURL(path.join(dist, file)).href)
  const { createSessionManager } = await load('index.js')
  const { createSessionHandler } = await load('adapters/fetch/index.js')
  const manager = createSessionManager({ policy: { idleTimeout: '15m', absoluteTimeout: '12h' } })
  const { token } = await manager.create({ subject: 'user-1' })
  const curfew = createSessionHandler(manager)
  const patterns = {
    bare: null,
    middleware: async (c, next) => {
      c.set('session', { subject: 'user-1' })
      await next()
    },
    validate: async (c, next) => {
      const result = await manager.validate(token, { activity: true })
      c.set('session', result.session)
      await next()
    },
    headers: async (c, next) => {
      const auth = await curfew.authenticate(c.req.raw)
      if (!auth.ok) return auth.response
      c.set('session', auth.session)
      await next()
      for (const [name, value] of auth.headers) c.res.headers.append(name, value)
    },
    readme: async (c, next) => {
      const auth = await curfew.authenticate(c.req.raw, { incoming: c.env?.incoming })
      if (!auth.ok) return auth.response
      c.set('session', auth.session)
      await next()
      for (const [name, value] of auth.headerList) c.res.headers.append(name, value)
    },
  }
  const only = process.env.HONO_PATTERNS_ONLY?.split(',')
  const servers = {}
  for (const [name, middleware] of Object.entries(patterns)) {
    if (only && !only.includes(name)) continue
    const app = new Hono()
    if (middleware) app.use('/api/*', createMiddleware(middleware))
    app.get('/api/me', (c) => c.json(body(middleware ? c.get('session').subject : 'user-1')))
    await new Promise((resolve) =>
      honoServe({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
        servers[name] = { port: info.port, token }
        resolve()
      }),
    )
  }
  process.on('message', () => process.send(process.cpuUsage()))
  process.send({ servers })
}

async function drive() {
  const rounds = Number(args.rounds ?? 9)
  const amount = Number(args.amount ?? 20_000)
  const env = {
    ...process.env,
    HONO_PATTERNS_DIST: path.resolve(args.dist ?? 'packages/server/dist'),
    ...(args.only ? { HONO_PATTERNS_ONLY: args.only } : {}),
  }
  const child = fork(self, ['--serve'], { env })
  const { servers } = await new Promise((resolve) => child.once('message', resolve))
  const cpu = () =>
    new Promise((resolve) => {
      child.once('message', resolve)
      child.send('cpu')
    })
  const hit = (server, count) =>
    autocannon({
      url: `http://127.0.0.1:${server.port}/api/me`,
      connections: 16,
      amount: count,
      headers: { cookie: `curfew_session=${server.token}` },
    })
  const names = Object.keys(servers)
  for (const name of names) await hit(servers[name], amount / 2)
  const times = Object.fromEntries(names.map((name) => [name, []]))
  for (let round = 0; round < rounds; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      const before = await cpu()
      const result = await hit(servers[name], amount)
      const after = await cpu()
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${name}: ${result.non2xx} non-2xx`)
      const count = result.requests.total
      times[name].push({
        user: (after.user - before.user) / count,
        system: (after.system - before.system) / count,
      })
    }
  }
  const median = (list) => [...list].sort((x, y) => x - y)[list.length >> 1]
  const user = (name) => median(times[name].map((t) => t.user))
  const system = (name) => median(times[name].map((t) => t.system))
  for (const name of names) {
    const share = times.bare
      ? ` (${user(name) - user('bare') >= 0 ? '+' : ''}${(user(name) - user('bare')).toFixed(2)} over bare)`
      : ''
    console.log(
      `${name}: user ${user(name).toFixed(2)} µs${share}, system ${system(name).toFixed(2)} µs per request (median of ${rounds} rounds × ${amount})`,
    )
  }
  child.kill()
}

if (process.argv.includes('--serve')) await serve()
else await drive()
