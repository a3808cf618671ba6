// Scale: MemoryStore and RedisStore holding 10 k, 100 k and 1 M live sessions (quick: 10 k, 100 k),
// each size in a fresh process so heap deltas are clean.
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { deletePrefix, uniquePrefix } from '../lib/redis.js'
import { fmt } from '../lib/stats.js'

const run = promisify(execFile)
const CHILD = fileURLToPath(new URL('./child.js', import.meta.url))

async function child(kind, size, env) {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=6144', CHILD, kind, String(size)],
    { env: { ...process.env, ...env }, maxBuffer: 1 << 20 },
  )
  return JSON.parse(stdout.trim().split('\n').pop())
}

const label = (n) => (n >= 1e6 ? `${n / 1e6} M` : `${n / 1e3} k`)

export async function runScale({ quick, redis, client }) {
  const sizes = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000]
  const rows = []
  const summary = { memory: {}, redis: {}, redisSweep: {} }
  for (const size of sizes) {
    const m = await child('memory', size)
    summary.memory[size] = m
    rows.push({
      section: 'Scale',
      name: `MemoryStore, ${label(size)} sessions`,
      value:
        `${fmt.int(m.bytesPerSession)} B/session (heap), check p50 ${fmt.us(m.p50)} p99 ${fmt.us(m.p99)}, ` +
        `sweep ${fmt.int(m.sweepNsPerSession)} ns/session (${fmt.ms(m.sweepMs)} for all)`,
      ratio: `p50 ${fmt.x(m.p50 / summary.memory[sizes[0]].p50)} ${label(sizes[0])}`,
    })
  }
  for (const size of sizes) {
    const prefix = uniquePrefix(`scale-${size}`)
    try {
      const r = await child('redis', size, { REDIS_URL: redis.url, BENCH_PREFIX: prefix })
      summary.redis[size] = r
      rows.push({
        section: 'Scale',
        name: `RedisStore, ${label(size)} sessions`,
        value: `${fmt.int(r.bytesPerSession)} B/session (used_memory), check p50 ${fmt.us(r.p50)} p99 ${fmt.us(r.p99)}`,
        ratio: `p50 ${fmt.x(r.p50 / summary.redis[sizes[0]].p50)} ${label(sizes[0])}`,
      })
    } finally {
      await deletePrefix(client, prefix)
    }
  }
  // Redis's own expiry, measured up to 100 k sessions (quick: 10 k); 1 M would add minutes of waiting.
  for (const size of sizes.filter((s) => s <= (quick ? 10_000 : 100_000))) {
    const prefix = uniquePrefix(`sweep-${size}`)
    try {
      const s = await child('redis-sweep', size, { REDIS_URL: redis.url, BENCH_PREFIX: prefix })
      summary.redisSweep[size] = s
      rows.push({
        section: 'Scale',
        name: `RedisStore sweep, ${label(size)} expired sessions`,
        value:
          `app: 0 (keys carry a TTL); Redis expiry ${fmt.int(s.sweepNsPerSession)} ns CPU/session ` +
          `(${s.expired} keys in ${fmt.ms(s.wallMs)})`,
      })
    } finally {
      await deletePrefix(client, prefix)
    }
  }
  return { summary, rows }
}
