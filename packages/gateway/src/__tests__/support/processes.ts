import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A started proxy process (nginx, Caddy) and where its files live. */
export interface ProxyProcess {
  dir: string
  /** What the process printed, for failure messages. */
  output(): string
  stop(): Promise<void>
}

/** Debian installs nginx in /usr/sbin, which a non-login PATH may lack. */
export function binary(name: string): string {
  for (const dir of ['/usr/sbin', '/usr/bin']) {
    if (existsSync(`${dir}/${name}`)) return `${dir}/${name}`
  }
  return name
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** Waits until every port accepts connections, or the process exits (then throws with its output). */
export async function waitForPorts(
  child: ChildProcess,
  ports: number[],
  output: () => string,
): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}):\n${output()}`)
    const ready = await Promise.all(ports.map(canConnect))
    if (ready.every(Boolean)) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`ports ${ports.join(', ')} never opened:\n${output()}`)
}

/** Spawns a long-running process, keeping its output; `stop` sends SIGTERM (then SIGKILL) and cleans up. */
export function spawnProcess(options: {
  command: string
  args: string[]
  dir: string
  env?: NodeJS.ProcessEnv
}): {
  child: ChildProcess
  output(): string
  stop(): Promise<void>
} {
  let log = ''
  const child = spawn(options.command, options.args, {
    cwd: options.dir,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (chunk) => {
    log += String(chunk)
  })
  child.stderr?.on('data', (chunk) => {
    log += String(chunk)
  })
  return {
    child,
    output: () => log.slice(-4000),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
        await exited
        clearTimeout(timer)
      }
      await rm(options.dir, { recursive: true, force: true })
    },
  }
}
