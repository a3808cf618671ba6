// Profiling aid (not part of `pnpm bench`): A/B of two builds of @curfew/server on RedisStore checks
// that write nothing, by this process's user CPU per check (process.cpuUsage), at a fixed concurrency,
// in rounds that alternate the builds; a raw GET of the record through the same client is the floor.
// node-redis and ioredis, Redis at REDIS_URL (default redis://127.0.0.1:6379), keys under a unique
// prefix, removed at the end.
//   cp -r packages/server/dist packages/server/node_modules/.ab/base
//   node bench/src/diag/ab-redis.js --a=packages/server/node_modules/.ab/base --b=packages/server/dist
//   node bench/src/diag/ab-redis.js --b=packages/server/dist --concurrency=1 --count=3000
// The clients have no per-command timeout unless --clients=bench (the bench's do: node-redis's
// commandOptions.timeout arms an AbortSignal.timeout per command, ~10 µs of CPU, paid by GET and check).
import { hash } from 'node:crypto'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { Redis } from 'ioredis'
import { createClient } from 'redis'

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, value = 'true'] = arg.replace(/^--/, '').split('=')
    return [key, value]
  }),
)
const rounds = Number(args.rounds ?? 9)
const count = Number(args.count ?? 10_000)
const concurrency = Number(args.concurrency ?? 64)
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const prefix = `ab-redis-${process.pid}-${Date.now()}:`
const builds = Object.fromEntries(
  ['a', 'b', 'c', 'd'].filter((key) => args[key]).map((key) => [key.toUpperCase(), path.resolve(args[key])]),
)
const policy = { idleTimeout: '15m', absoluteTimeout: '12h', touchInterval: '5m' }

// --clients=bench: the clients `pnpm bench` uses (the README's options, per-command timeouts included).
const bench = args.clients === 'bench'
const node = bench ? await (await import('../lib/redis.js')).connect(url) : createClient({ url })
if (!bench) await node.connect()
const io = bench
  ? await (await import('../store.js')).ioredis(url)
  : new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
if (!bench) await new Promise((resolve) => io.once('ready', resolve))
const clients = { 'node-redis': node, ioredis: io }

const ops = {}
const managers = []
for (const [name, dist] of Object.entries(builds)) {
  const { createSessionManager, RedisStore } = await import(pathToFileURL(path.join(dist, 'index.js')).href)
  for (const [library, client] of Object.entries(clients)) {
    const manager = createSessionManager({
      policy,
      store: new RedisStore({ client, prefix: `${prefix}${name}:` }),
    })
    managers.push(manager)
    const { token } = await manager.create({ subject: `${library}-${name}` })
    const passive = { activity: false }
    const activity = { activity: true }
    ops[`${library} passive/${name}`] = () => manager.validate(token, passive)
    ops[`${library} activity/${name}`] = () => manager.validate(token, activity)
  }
}
// The floor: a raw GET of a copy of a session record, then the same plus the two things a check cannot
// skip or cache safely — SHA-256 of the token (the store keeps only its digest; a token → id cache
// would keep live bearer tokens in the heap) — and plus a JSON.parse of the record (what a check pays
// when the record changed since the last read).
const [recordKey] = await node.keys(`${prefix}*:s:*`)
const record = await node.get(recordKey)
const token = `s_${'A'.repeat(16)}.${'B'.repeat(43)}`
for (const [library, client] of Object.entries(clients)) {
  const key = `${prefix}raw`
  await client.set(key, record)
  ops[`${library} GET`] = () => client.get(key)
  ops[`${library} GET+sha256`] = () => {
    hash('sha256', token, 'base64url')
    return client.get(key)
  }
  ops[`${library} GET+sha256+parse`] = () => {
    hash('sha256', token, 'base64url')
    return client.get(key).then((raw) => JSON.parse(raw))
  }
}

async function measure(op) {
  const t0 = process.cpuUsage()
  let next = 0
  const worker = async () => {
    while (next++ < count) await op()
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return process.cpuUsage(t0).user / count
}

const names = Object.keys(ops)
for (const name of names) await measure(ops[name])
const times = Object.fromEntries(names.map((name) => [name, []]))
for (let round = 0; round < rounds; round++) {
  for (const name of round % 2 === 0 ? names : [...names].reverse())
    times[name].push(await measure(ops[name]))
}
const median = (list) => [...list].sort((x, y) => x - y)[list.length >> 1]
const diff = (x, y) => median(x.map((t, i) => t - y[i]))
for (const name of names) {
  const [library] = name.split(' ')
  const get = times[`${library} GET`]
  // GET's CPU over the operation's: the rate's ratio where Node's CPU bounds the rate.
  const ratio = (median(get) / median(times[name])).toFixed(2)
  const extra = name.endsWith('GET') ? '' : ` (GET +${diff(times[name], get).toFixed(2)}; ${ratio}× GET)`
  console.log(`${name}: ${median(times[name]).toFixed(2)} µs${extra}`)
}
console.log(`user CPU per operation, median of ${rounds} rounds × ${count}, concurrency ${concurrency}`)
for (const manager of managers) await manager.close()
for (const key of await node.keys(`${prefix}*`)) await node.unlink(key)
await node.quit()
io.disconnect()
