// Store checks in-process: manager.validate(token, { activity: true }) on MemoryStore and RedisStore at
// concurrency 1 and 64, next to a raw GET of one key through the same Redis client (the floor for one
// round trip), with node-redis v5 and with ioredis v5. Counts Redis commands per check with MONITOR and
// INFO commandstats.
import { createSessionManager, MemoryStore, RedisStore } from '@curfew/server'
import { Redis } from 'ioredis'
import { commandCalls, deletePrefix, uniquePrefix } from './lib/redis.js'
import { alternate, fmt, median, throughput } from './lib/stats.js'

const policy = { idleTimeout: '15m', absoluteTimeout: '12h' }

/** An ioredis v5 client with the options @curfew/server's README recommends, once it is ready. */
async function ioredis(url) {
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

export async function runStore({ quick, client, redis: server }) {
  const prefix = uniquePrefix('store')
  const io = await ioredis(server.url)
  const memory = createSessionManager({ policy, store: new MemoryStore() })
  const redis = createSessionManager({ policy, store: new RedisStore({ client, prefix }) })
  const redisIo = createSessionManager({ policy, store: new RedisStore({ client: io, prefix }) })
  try {
    const memToken = (await memory.create({ subject: 'user-1' })).token
    const redisToken = (await redis.create({ subject: 'user-1' })).token
    const ioToken = (await redisIo.create({ subject: 'user-2' })).token
    const rawKey = `${prefix}raw`
    // The raw GET reads a value as big as the session record itself (a copy of it).
    const [recordKey] = await client.keys(`${prefix}s:*`)
    await client.set(rawKey, await client.get(recordKey))

    // Round trips per check: MONITOR on a second connection sees every command a client sends, and marks
    // the ones a Lua script runs inside Redis as `[0 lua]`; INFO commandstats counts both kinds.
    const checks = 1000
    for (let i = 0; i < 10; i++) await redis.validate(redisToken, { activity: true })
    const monitor = client.duplicate()
    monitor.on('error', () => {})
    await monitor.connect()
    const sent = {}
    await monitor.monitor((line) => {
      if (!line.includes(prefix) && !line.includes(' lua]') && !/"eval(sha)?"/.test(line)) return
      const command = /\] "([^"]+)"/.exec(line)?.[1]?.toLowerCase()
      if (!command) return
      const key = line.includes(' lua]') ? `${command} (in script)` : command
      sent[key] = (sent[key] ?? 0) + 1
    })
    const before = await commandCalls(client)
    for (let i = 0; i < checks; i++) {
      const result = await redis.validate(redisToken, { activity: true })
      if (!result.ok) throw new Error(`redis validate failed: ${result.reason}`)
    }
    const after = await commandCalls(client)
    await client.ping() // MONITOR lines arrive in order: the PING's answer comes after all of them
    await monitor.destroy()
    const stats = Object.entries(after)
      .map(([cmd, calls]) => [cmd, calls - (before[cmd] ?? 0) - (cmd === 'info' ? 1 : 0)])
      .filter(([, calls]) => calls > 0)
    const roundTrips = Object.entries(sent)
      .filter(([cmd]) => !cmd.endsWith('(in script)'))
      .reduce((sum, [, calls]) => sum + calls, 0)
    const commandsPerCheck = roundTrips / checks

    // The floor of any one-round-trip atomic design: a Lua script that only GETs the key.
    const floorSha = await client.scriptLoad("return redis.call('GET', KEYS[1])")
    const ops = {
      memory: () => memory.validate(memToken, { activity: true }),
      redis: () => redis.validate(redisToken, { activity: true }),
      get: () => client.get(rawKey),
      script: () => client.evalSha(floorSha, { keys: [rawKey] }),
      ioRedis: () => redisIo.validate(ioToken, { activity: true }),
      ioGet: () => io.get(rawKey),
    }
    const ms = quick ? 400 : 1200
    const rows = []
    const summary = {}
    for (const concurrency of [1, 64]) {
      for (const op of Object.values(ops)) await throughput({ op, concurrency, ms: 300 })
      const results = await alternate({
        rounds: quick ? 3 : 4,
        variants: Object.keys(ops),
        run: (name) => throughput({ op: ops[name], concurrency, ms }),
      })
      const m = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)]))
      summary[concurrency] = m
      rows.push(
        {
          section: 'Store',
          name: `raw Redis GET (node-redis), concurrency ${concurrency}`,
          value: `${fmt.int(m.get)} ops/s`,
          ratio: '1.00× GET',
        },
        {
          section: 'Store',
          name: `EVALSHA of a script that only GETs, concurrency ${concurrency}`,
          value: `${fmt.int(m.script)} ops/s`,
          ratio: `${fmt.x(m.script / m.get)} GET`,
        },
        {
          section: 'Store',
          name: `Curfew MemoryStore validate, concurrency ${concurrency}`,
          value: `${fmt.int(m.memory)} ops/s`,
          ratio: `${fmt.x(m.memory / m.get)} GET`,
        },
        {
          section: 'Store',
          name: `Curfew RedisStore validate (node-redis), concurrency ${concurrency}`,
          value: `${fmt.int(m.redis)} ops/s`,
          ratio: fmt.x(m.redis / m.get),
          target: '≥ 0.85× GET',
          met: m.redis / m.get >= 0.85,
        },
        {
          section: 'Store',
          name: `raw Redis GET (ioredis), concurrency ${concurrency}`,
          value: `${fmt.int(m.ioGet)} ops/s`,
          ratio: '1.00× GET',
        },
        {
          section: 'Store',
          name: `Curfew RedisStore validate (ioredis), concurrency ${concurrency}`,
          value: `${fmt.int(m.ioRedis)} ops/s`,
          ratio: fmt.x(m.ioRedis / m.ioGet),
          target: '≥ 0.85× GET',
          met: m.ioRedis / m.ioGet >= 0.85,
        },
      )
    }
    rows.push({
      section: 'Store',
      name: 'Redis commands sent per check (MONITOR; INFO commandstats)',
      value:
        `${Object.entries(sent)
          .map(([cmd, calls]) => `${cmd} ${calls}`)
          .join(', ')} / ${checks} checks; ` +
        `commandstats ${stats.map(([cmd, calls]) => `${cmd} ${calls}`).join(', ')}`,
      ratio: commandsPerCheck.toFixed(3),
      target: '= 1',
      met: commandsPerCheck === 1,
    })
    return { summary: { ...summary, commandsPerCheck, sent, stats }, rows }
  } finally {
    await memory.close()
    await redis.close()
    await redisIo.close()
    io.disconnect()
    await deletePrefix(client, prefix)
  }
}
