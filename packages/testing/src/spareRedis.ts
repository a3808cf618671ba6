import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  await once(server, 'close')
  if (typeof address !== 'object' || address === null) throw new Error('no port')
  return address.port
}

/** Options of {@link spareRedis}. */
export interface SpareRedisOptions {
  /**
   * Keep data across a kill: append-only file fsynced on every write, in a temp directory that
   * survives `stop()`/`start()` and is removed by `dispose()`.
   */
  persist?: boolean
}

/**
 * A throw-away `redis-server` child on a spare loopback port, for faults that must not disturb the
 * shared Redis: `stop()` kills it hard (SIGKILL, an outage), `start()` brings it back on the same port
 * (and, with `persist`, the same data). DEBUG is enabled for `DEBUG SLEEP`.
 *
 * @example
 * const spare = await spareRedis()
 * const client = await createClient({ url: spare.url }).connect()
 * await spare.stop() // an outage
 */
export async function spareRedis(options: SpareRedisOptions = {}) {
  const port = await freePort()
  // Only a persistent server writes files; the others run in the system temp dir and leave nothing.
  const dir = options.persist ? await mkdtemp(join(tmpdir(), 'curfew-redis-')) : tmpdir()
  let child: ChildProcess | undefined
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--enable-debug-command',
    'yes',
    ...(options.persist ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
  ]
  const start = async () => {
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    child = proc
    // Should the test process itself die, the child goes with it.
    const reap = () => proc.kill('SIGKILL')
    process.once('exit', reap)
    proc.once('exit', () => process.off('exit', reap))
    let output = ''
    let failed: ((code: number | null) => void) | undefined
    await new Promise<void>((resolve, reject) => {
      proc.once('error', (error) =>
        reject(new Error(`redis-server could not start (apt-get install -y redis-server): ${error.message}`)),
      )
      failed = (code) => reject(new Error(`redis-server exited (${code}): ${output}`))
      proc.once('exit', failed)
      proc.stdout?.on('data', (chunk: Buffer) => {
        output += chunk
        if (output.includes('Ready to accept connections')) resolve()
      })
    })
    // Only the start-up failure listener goes; the one that drops `reap` stays.
    if (failed) proc.off('exit', failed)
    proc.stdout?.resume()
  }
  const stop = async () => {
    const proc = child
    child = undefined
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    const exited = once(proc, 'exit')
    proc.kill('SIGKILL')
    await exited
  }
  await start()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    async dispose() {
      await stop()
      if (options.persist) await rm(dir, { recursive: true, force: true })
    },
  }
}
