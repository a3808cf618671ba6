// Store checks in-process, each against a raw GET of a value as big as the session record through the
// same Redis client (the floor of one round trip), at concurrency 1 and 64, with node-redis v5 and
// ioredis v5:
//   - checks that write nothing (the common case): a passive check, and activity inside touchInterval —
//     target ≥ 0.9× GET;
//   - the write path: activity recorded on every check (touchInterval 0), shown separately;
// plus MemoryStore and an EVALSHA that only GETs, for scale. Counts Redis commands per check with
// MONITOR and INFO commandstats.
import { loadavg } from 'node:os'
import { createSessionManager, MemoryStore, RedisStore } from '@curfew/server'
import { Redis } from 'ioredis'
import { commandCalls, deletePrefix, infoNumber, uniquePrefix } from './lib/redis.js'
import { alternate, fmt, median, throughput } from './lib/stats.js'

/** No-write checks: touchInterval far longer than the run, so activity is inside it. */
const reading = { idleTimeout: '15m', absoluteTimeout: '12h', touchInterval: '5m' }
/** The write path: every activity is recorded. */
const writing = { idleTimeout: '15m', absoluteTimeout: '12h', touchInterval: 0 }
const TARGET = 0.9

/** An ioredis v5 client with the options @curfew/server's README recommends, once it is ready. */
export async function ioredis(url) {
  const io = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 5000,
    connectTimeout: 1000,
    retryStrategy: (n) => Math.min(50 * 2 ** n, 1000),
  })
  io.on('error', (error) => console.warn('ioredis', error.message))
  await new Promise((resolve) => io.once('ready', resolve))
  return io
}

/** Three managers on one client (passive / activity inside touchInterval / activity written). */
async function checksOn(client, prefix, subject) {
  const reader = createSessionManager({ policy: reading, store: new RedisStore({ client, prefix }) })
  const writer = createSessionManager({ policy: writing, store: new RedisStore({ client, prefix }) })
  const readToken = (await reader.create({ subject: `${subject}-r` })).token
  const writeToken = (await writer.create({ subject: `${subject}-w` })).token
  const passive = { activity: false }
  const activity = { activity: true }
  return {
    // validate's activity defaults to true: a passive check says so.
    passive: () => reader.validate(readToken, passive),
    activity: () => reader.validate(readToken, activity),
    touch: () => writer.validate(writeToken, activity),
    close: async () => {
      await reader.close()
      await writer.close()
    },
  }
}

/** Redis's own CPU time so far (µs), from INFO cpu. */
async function redisCpu(client) {
  const [user, sys] = await Promise.all([
    infoNumber(client, 'cpu', 'used_cpu_user'),
    infoNumber(client, 'cpu', 'used_cpu_sys'),
  ])
  return (user + sys) * 1e6
}

/**
 * Throughput of `op`, and the CPU it cost per operation on both sides: this process (`cpuUsage`) and
 * the private redis-server (INFO cpu), which serves nobody else. On a machine shared with other jobs
 * throughput swings with their load; CPU per operation hardly does, so its ratio is the steadier one.
 */
async function measure({ op, concurrency, ms, client }) {
  const redisBefore = await redisCpu(client)
  const cpuBefore = process.cpuUsage()
  const t0 = performance.now()
  const rate = await throughput({ op, concurrency, ms })
  const elapsed = performance.now() - t0
  const cpu = process.cpuUsage(cpuBefore)
  const redisUs = (await redisCpu(client)) - redisBefore
  const ops = (rate * elapsed) / 1000
  return { rate, nodeUs: (cpu.user + cpu.system) / ops, redisUs: redisUs / ops }
}

/** Commands one client sends for `checks` calls of `op` (MONITOR), and what Redis ran (commandstats). */
async function countCommands(client, prefix, op, checks) {
  const monitor = client.duplicate()
  monitor.on('error', () => {})
  await monitor.connect()
  const sent = {}
  await monitor.monitor((line) => {
    if (!line.includes(prefix) && !line.includes(' lua]') && !/"(eval(sha)?|time)"/i.test(line)) return
    const command = /\] "([^"]+)"/.exec(line)?.[1]?.toLowerCase()
    if (!command) return
    const key = line.includes(' lua]') ? `${command} (in script)` : command
    sent[key] = (sent[key] ?? 0) + 1
  })
  const before = await commandCalls(client)
  for (let i = 0; i < checks; i++) await op()
  const after = await commandCalls(client)
  await client.ping() // MONITOR lines arrive in order: the PING's answer comes after all of them
  await monitor.destroy()
  const stats = Object.entries(after)
    .map(([cmd, calls]) => [cmd, calls - (before[cmd] ?? 0) - (cmd === 'info' ? 1 : 0)])
    .filter(([cmd, calls]) => calls > 0 && cmd !== 'ping')
  const roundTrips = Object.entries(sent)
    .filter(([cmd]) => !cmd.endsWith('(in script)'))
    .reduce((sum, [, calls]) => sum + calls, 0)
  return { sent, stats, perCheck: roundTrips / checks }
}

export async function runStore({ quick, client, redis: server }) {
  const prefix = uniquePrefix('store')
  const loadAtStart = loadavg()
  const io = await ioredis(server.url)
  const memory = createSessionManager({ policy: writing, store: new MemoryStore() })
  const memToken = (await memory.create({ subject: 'user-m' })).token
  const nodeChecks = await checksOn(client, prefix, 'node')
  const ioChecks = await checksOn(io, prefix, 'io')
  try {
    const rawKey = `${prefix}raw`
    // The raw GET reads a value as big as a session record (a copy of one).
    const [recordKey] = await client.keys(`${prefix}*:s:*`)
    await client.set(rawKey, await client.get(recordKey))

    // Round trips per check, for each kind of check (after a warm-up that loads the script).
    const counted = {}
    for (const kind of ['passive', 'activity', 'touch']) {
      for (const checks of [nodeChecks, ioChecks]) {
        for (let i = 0; i < 10; i++) {
          const result = await checks[kind]()
          if (!result.ok) throw new Error(`${kind} validate failed: ${result.reason}`)
        }
      }
      counted[kind] = await countCommands(client, prefix, nodeChecks[kind], 1000)
    }

    // The floor of any one-round-trip atomic design: a Lua script that only GETs the key.
    const floorSha = await client.scriptLoad("return redis.call('GET', KEYS[1])")
    const ops = {
      get: () => client.get(rawKey),
      script: () => client.evalSha(floorSha, { keys: [rawKey] }),
      memory: () => memory.validate(memToken, { activity: true }),
      passive: nodeChecks.passive,
      activity: nodeChecks.activity,
      touch: nodeChecks.touch,
      ioGet: () => io.get(rawKey),
      ioPassive: ioChecks.passive,
      ioActivity: ioChecks.activity,
      ioTouch: ioChecks.touch,
    }
    // Many short rounds, variants interleaved: on a shared machine the load moves between rounds.
    const ms = quick ? 400 : 500
    const rows = []
    const summary = {}
    const row = (name, value, ratio, extra = {}) =>
      rows.push({ section: 'Store', name, value, ratio, ...extra })
    for (const concurrency of [1, 64]) {
      for (const op of Object.values(ops)) await throughput({ op, concurrency, ms: 300 })
      const results = await alternate({
        rounds: quick ? 3 : 10,
        variants: Object.keys(ops),
        run: (name) => measure({ op: ops[name], concurrency, ms, client }),
      })
      const m = {}
      const cost = {}
      for (const [name, runs] of Object.entries(results)) {
        m[name] = median(runs.map((r) => r.rate))
        cost[name] = { node: median(runs.map((r) => r.nodeUs)), redis: median(runs.map((r) => r.redisUs)) }
      }
      summary[concurrency] = { rate: m, cost }
      const c = `concurrency ${concurrency}`
      const value = (name, unit = 'ops/s') =>
        `${fmt.int(m[name])} ${unit}; CPU/op Node ${fmt.us(cost[name].node)} + Redis ${fmt.us(cost[name].redis)}`
      const total = (name) => cost[name].node + cost[name].redis
      // "r× GET" by throughput, and in brackets by total CPU per operation (GET's / the check's).
      const ratio = (name, get) => `${fmt.x(m[name] / m[get])} (CPU ${fmt.x(total(get) / total(name))})`
      row(`raw Redis GET (node-redis), ${c}`, value('get'), '1.00× GET')
      row(`EVALSHA of a script that only GETs, ${c}`, value('script'), `${ratio('script', 'get')} GET`)
      row(`Curfew MemoryStore validate, ${c}`, value('memory'), `${ratio('memory', 'get')} GET`)
      for (const [library, get, passive, activity, touch] of [
        ['node-redis', 'get', 'passive', 'activity', 'touch'],
        ['ioredis', 'ioGet', 'ioPassive', 'ioActivity', 'ioTouch'],
      ]) {
        if (library === 'ioredis') row(`raw Redis GET (ioredis), ${c}`, value(get), '1.00× GET')
        row(`RedisStore validate, passive (${library}), ${c}`, value(passive), ratio(passive, get), {
          target: `≥ ${TARGET}× GET`,
          met: m[passive] / m[get] >= TARGET,
        })
        row(
          `RedisStore validate, activity inside touchInterval (${library}), ${c}`,
          value(activity),
          ratio(activity, get),
          { target: `≥ ${TARGET}× GET`, met: m[activity] / m[get] >= TARGET },
        )
        row(
          `RedisStore validate, write path: activity recorded (${library}), ${c}`,
          value(touch),
          `${ratio(touch, get)} GET`,
        )
      }
    }
    for (const [kind, label] of [
      ['passive', 'passive'],
      ['activity', 'activity inside touchInterval'],
      ['touch', 'activity recorded'],
    ]) {
      const { sent, stats, perCheck } = counted[kind]
      row(
        `Redis commands sent per check, ${label} (MONITOR; INFO commandstats)`,
        `${Object.entries(sent)
          .map(([cmd, calls]) => `${cmd} ${calls}`)
          .join(
            ', ',
          )} / 1000 checks; commandstats ${stats.map(([cmd, calls]) => `${cmd} ${calls}`).join(', ')}`,
        perCheck.toFixed(3),
        { target: '= 1', met: perCheck === 1 },
      )
    }
    const load = (l) => l.map((x) => x.toFixed(2)).join(' ')
    row(
      'load average (1/5/15 min) during this section',
      `start ${load(loadAtStart)}, end ${load(loadavg())}`,
      '',
    )
    return { summary: { ...summary, counted }, rows }
  } finally {
    await memory.close()
    await nodeChecks.close()
    await ioChecks.close()
    io.disconnect()
    await deletePrefix(client, prefix)
  }
}
