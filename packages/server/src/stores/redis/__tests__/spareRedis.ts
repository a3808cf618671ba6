import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:net'

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  await once(server, 'close')
  if (typeof address !== 'object' || address === null) throw new Error('no port')
  return address.port
}

/**
 * A throw-away `redis-server` child on a spare port (no persistence, DEBUG enabled), for outage and
 * command-count tests that must not disturb the shared Redis. `stop()` kills it hard (an outage);
 * `start()` brings a fresh one up on the same port.
 */
export async function spareRedis() {
  const port = await freePort()
  let child: ChildProcess | undefined
  const start = async () => {
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--enable-debug-command',
        'yes',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    child = proc
    // Should the test run itself die, the child still goes with it.
    const reap = () => proc.kill('SIGKILL')
    process.once('exit', reap)
    proc.once('exit', () => process.off('exit', reap))
    let output = ''
    await new Promise<void>((resolve, reject) => {
      proc.once('error', reject)
      proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)))
      proc.stdout?.on('data', (chunk: Buffer) => {
        output += chunk
        if (output.includes('Ready to accept connections')) resolve()
      })
    })
    proc.removeAllListeners('exit')
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
  return { port, url: `redis://127.0.0.1:${port}`, start, stop }
}
