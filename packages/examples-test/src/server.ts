import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

export interface RunningApp {
  url: string
  /** Everything the app printed (stdout and stderr). */
  output(): string
  stop(): Promise<void>
}

/** Starts an example's server and waits until `readyPath` answers. */
export async function startApp(options: {
  cwd: string
  command: string
  args: string[]
  env?: Record<string, string>
  readyPath?: string
}): Promise<RunningApp> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  let output = ''
  const child: ChildProcess = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, PORT: String(port), NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  const stop = () =>
    new Promise<void>((resolve) => {
      // Exited, by its own hand or by a signal (a Nest app re-raises SIGTERM after its shutdown hooks).
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill('SIGTERM')
    })
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.command} exited early:\n${output}`)
    try {
      await fetch(`${url}${options.readyPath ?? '/'}`)
      break
    } catch {
      if (Date.now() > deadline) {
        await stop()
        throw new Error(`${options.command} did not answer within 60 s:\n${output}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  return { url, output: () => output, stop }
}
