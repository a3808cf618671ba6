// One scale measurement in a fresh process (node --expose-gc): `child.js <memory|redis> <sessions>`
// with REDIS_URL and BENCH_PREFIX for Redis. Prints one JSON line.
import { createSessionManager, MemoryStore, RedisStore } from '@curfew/server'
import { connect, infoNumber } from '../lib/redis.js'
import { quantile } from '../lib/stats.js'

const [kind, sizeArg] = process.argv.slice(2)
const size = Number(sizeArg)
const SAMPLE = 10_000
const CHECKS = 20_000
const policy = { idleTimeout: '15m', absoluteTimeout: '12h' }

function heap() {
  for (let i = 0; i < 4; i++) globalThis.gc()
  return process.memoryUsage().heapUsed
}

/** Creates `count` sessions (one subject each) `concurrency` at a time; keeps an even sample of tokens. */
async function populate(manager, options) {
  const { count, concurrency, prefix = 'user' } = options
  const every = Math.max(1, Math.floor(count / SAMPLE))
  const sample = []
  let next = 0
  const t0 = performance.now()
  const worker = async () => {
    while (next < count) {
      const i = next++
      const { token } = await manager.create({ subject: `${prefix}-${i}` })
      if (i % every === 0 && sample.length < SAMPLE) sample.push(token)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return { sample, createUs: ((performance.now() - t0) * 1000) / count }
}

/** p50/p99 of one validate (with activity) on random live sessions, one at a time. */
async function latency(manager, sample) {
  const times = new Float64Array(CHECKS)
  for (let i = 0; i < 2000; i++) await manager.validate(sample[i % sample.length], { activity: true })
  for (let i = 0; i < CHECKS; i++) {
    const token = sample[(Math.random() * sample.length) | 0]
    const t0 = performance.now()
    const result = await manager.validate(token, { activity: true })
    times[i] = performance.now() - t0
    if (!result.ok) throw new Error(`check failed: ${result.reason}`)
  }
  return { p50: quantile(times, 0.5) * 1000, p99: quantile(times, 0.99) * 1000 }
}

async function memory() {
  let clock = Date.now()
  const now = () => clock
  const store = new MemoryStore({ now, sweepInterval: 0 })
  const manager = createSessionManager({ policy, store, now })
  const before = heap()
  const { sample, createUs } = await populate(manager, { count: size, concurrency: 1 })
  // The sample of tokens the bench keeps is subtracted: ~SAMPLE strings of 43 characters.
  const sampleBytes = sample.length * 64
  const bytesPerSession = (heap() - before - sampleBytes) / size
  const { p50, p99 } = await latency(manager, sample)
  // Everything expires (absolute 12 h + tombstones); one sweep pass drops it all.
  clock += 13 * 3_600_000
  heap()
  const t0 = performance.now()
  let swept = 0
  for (;;) {
    const dropped = store.sweep()
    if (dropped === 0) break
    swept += dropped
  }
  const sweepMs = performance.now() - t0
  if (swept !== size || store.size !== 0) throw new Error(`swept ${swept} of ${size}`)
  await manager.close()
  return { bytesPerSession, createUs, p50, p99, sweepMs, sweepNsPerSession: (sweepMs * 1e6) / size }
}

async function redis() {
  const client = await connect(process.env.REDIS_URL)
  const prefix = process.env.BENCH_PREFIX
  const manager = createSessionManager({ policy, store: new RedisStore({ client, prefix }) })
  const before = await infoNumber(client, 'memory', 'used_memory')
  const { sample, createUs } = await populate(manager, { count: size, concurrency: 128 })
  const bytesPerSession = ((await infoNumber(client, 'memory', 'used_memory')) - before) / size
  const { p50, p99 } = await latency(manager, sample)
  await client.quit()
  return { bytesPerSession, createUs, p50, p99 }
}

/**
 * Redis drops expired sessions by itself (every key carries a PX TTL): the app does no sweeping. The
 * cost is Redis's: sessions with an idle timeout just longer than creating them all takes and no
 * tombstone time, then the Redis CPU time and wall time from their deadline until its expiry cycle has
 * removed every key.
 */
async function redisSweep() {
  const client = await connect(process.env.REDIS_URL)
  const prefix = process.env.BENCH_PREFIX
  const manager = createSessionManager({
    // Long enough that none expires before all exist (creation runs at well under 150 µs a session).
    policy: { idleTimeout: 2000 + Math.ceil(size * 0.15), absoluteTimeout: '1h' },
    store: new RedisStore({ client, prefix }),
    tombstoneTtl: 0,
  })
  const created = performance.now()
  await populate(manager, { count: size, concurrency: 128, prefix: 'sweep' })
  const keys = await client.dbSize()
  if (keys < size * 3) throw new Error(`only ${keys} keys for ${size} sessions: some expired early`)
  // Wait (cheaply) until the first deadline, then measure Redis's work from there.
  const idle = 2000 + Math.ceil(size * 0.15)
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, idle - (performance.now() - created))))
  const cpu = async () =>
    (await infoNumber(client, 'cpu', 'used_cpu_user')) + (await infoNumber(client, 'cpu', 'used_cpu_sys'))
  const expired0 = await infoNumber(client, 'stats', 'expired_keys')
  const cpu0 = await cpu()
  const t0 = performance.now()
  while ((await client.dbSize()) > 0 && performance.now() - t0 < 120_000) {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const wallMs = performance.now() - t0
  const expired = (await infoNumber(client, 'stats', 'expired_keys')) - expired0
  const cpuMs = ((await cpu()) - cpu0) * 1000
  await client.quit()
  return { keys, expired, wallMs, redisCpuMs: cpuMs, sweepNsPerSession: (cpuMs * 1e6) / size }
}

const run = { memory, redis, 'redis-sweep': redisSweep }[kind]
console.log(JSON.stringify(await run()))
process.exit(0)
