// Redis for the benches: a private redis-server child (so other processes' traffic on the shared Redis
// cannot blur command counts, memory deltas or latency), or BENCH_REDIS_URL when given.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { createClient } from 'redis'

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/** Starts the Redis the benches use; `stop()` shuts a private one down. */
export async function startRedis() {
  if (process.env.BENCH_REDIS_URL) return { url: process.env.BENCH_REDIS_URL, stop: async () => {} }
  const port = await freePort()
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  )
  const stopChild = () => child.kill('SIGTERM')
  process.once('exit', stopChild)
  const url = `redis://127.0.0.1:${port}`
  for (let i = 0; i < 100; i++) {
    const client = createClient({ url, socket: { reconnectStrategy: false } })
    client.on('error', () => {})
    try {
      await client.connect()
      await client.ping()
      await client.quit()
      return {
        url,
        stop: async () => {
          process.off('exit', stopChild)
          await new Promise((resolve) => {
            child.once('exit', resolve)
            stopChild()
          })
        },
      }
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  stopChild()
  throw new Error('redis-server did not start (apt-get install -y redis-server, or set BENCH_REDIS_URL)')
}

/** A node-redis v5 client with the options @curfew/server's README recommends. */
export async function connect(url) {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    commandOptions: { timeout: 5000 },
    socket: { connectTimeout: 1000, reconnectStrategy: (n) => Math.min(50 * 2 ** n, 1000) },
  })
  client.on('error', (error) => console.warn('redis', error.message))
  await client.connect()
  return client
}

/** A key prefix no other run or process uses. */
export function uniquePrefix(name) {
  return `curfew-bench:${name}:${process.pid}:${randomBytes(4).toString('hex')}:`
}

/** Deletes every key under `prefix` with SCAN + UNLINK (never FLUSHALL). Returns how many. */
export async function deletePrefix(client, prefix) {
  let deleted = 0
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 5000 })) {
    if (keys.length > 0) deleted += await client.unlink(keys)
  }
  return deleted
}

/** `INFO commandstats` as { command: calls }. */
export async function commandCalls(client) {
  const info = await client.info('commandstats')
  const calls = {}
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[match[1]] = Number(match[2])
  return calls
}

/** One field of `INFO <section>` as a number. */
export async function infoNumber(client, section, field) {
  const info = await client.info(section)
  const match = new RegExp(`^${field}:([\\d.]+)`, 'm').exec(info)
  return match ? Number(match[1]) : Number.NaN
}

export async function redisVersion(client) {
  const info = await client.info('server')
  return /^redis_version:(\S+)/m.exec(info)?.[1] ?? 'unknown'
}
