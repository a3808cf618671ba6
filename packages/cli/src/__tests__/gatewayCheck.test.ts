import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expressService, type Service } from './services'

// The built CLI, as `npx curfew` runs it (turbo builds it, and @curfew/gateway, before this suite).
const BIN = resolve(fileURLToPath(import.meta.url), '../../../dist/bin.js')
const standard = { idleTimeout: '15m', absoluteTimeout: '12h' }

/** `curfew serve --config <file>` as a child process; resolves once it prints where it listens. */
async function curfewServe(dir: string, name: string, policy: object) {
  const config = join(dir, `${name}.json`)
  await writeFile(config, JSON.stringify({ listen: { port: 0 }, policy, audit: false }))
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--config', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk) => {
      output += String(chunk)
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) resolve(match[1]!)
    })
    child.once('exit', (code) => reject(new Error(`curfew serve exited ${code}: ${output}`)))
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  return {
    url,
    /** SIGTERM, as a supervisor stops it; resolves the exit code. */
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      return exited
    },
  }
}

/** Runs the built `curfew check …`: its exit code and stdout. */
function curfewCheck(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'check', ...args], (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: number }).code ?? 1) : 0
      resolve({ code, out: stdout, err: stderr })
    })
  })
}

describe('curfew check against gateways started with curfew serve', () => {
  let dir: string
  let gateway: Awaited<ReturnType<typeof curfewServe>>
  let drifted: Awaited<ReturnType<typeof curfewServe>>
  let app: Service
  let policyFile: string

  beforeAll(async () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run pnpm build (turbo's test task does)`)
    dir = await mkdtemp(join(tmpdir(), 'curfew-gateway-check-'))
    policyFile = join(dir, 'policy.json')
    await writeFile(policyFile, JSON.stringify(standard))
    ;[gateway, drifted, app] = await Promise.all([
      curfewServe(dir, 'gateway', standard),
      curfewServe(dir, 'drifted', { idleTimeout: '30m', absoluteTimeout: '12h' }),
      expressService(standard),
    ])
  })
  afterAll(async () => {
    await gateway?.stop()
    await drifted?.stop()
    await app?.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('exits 0 when the gateway states the same policy as an Express service and the policy file', async () => {
    // The gateway's origin alone: `curfew check` asks GET /session/policy.
    const result = await curfewCheck([
      gateway.url,
      app.url,
      '--policy',
      policyFile,
      '--compliance',
      'pci-dss-4',
    ])
    expect(result.err).toBe('')
    expect(result.code).toBe(0)
    expect(result.out).toContain('result: all services agree')
    const gatewayLines = result.out.split('\n').filter((line) => line.startsWith(`${gateway.url} `))
    expect(gatewayLines).toHaveLength(2) // the parity row and the compliance row
    expect(gatewayLines[0]).toMatch(/default\s+15m\s+12h\s+p1_\w+\s+OK\s*$/)
    expect(gatewayLines[1]).toMatch(/pci-dss-4\s+PASS/)
  })

  it('exits 1 and names the gateway whose policy drifted, with the differing value', async () => {
    const result = await curfewCheck([gateway.url, `${drifted.url}/session`, app.url, '--json'])
    expect(result.code).toBe(1)
    const report = JSON.parse(result.out)
    expect(report.reference).toBe(gateway.url)
    expect(report.rows.filter((r: { status: string }) => r.status !== 'ok')).toEqual([
      expect.objectContaining({
        service: `${drifted.url}/session`,
        status: 'drift',
        detail: 'idleTimeout 30m ≠ 15m',
      }),
    ])
  })

  it('exits 1 on a failed compliance rule of the drifted gateway, and 3 once it is stopped', async () => {
    const failed = await curfewCheck([drifted.url, '--compliance', 'pci-dss-4', '--json'])
    expect(failed.code).toBe(1)
    const report = JSON.parse(failed.out)
    expect(report.compliance.some((c: { status: string }) => c.status === 'fail')).toBe(true)

    expect(await drifted.stop()).toBe(0) // curfew serve exits 0 after a clean SIGTERM shutdown
    const gone = await curfewCheck([gateway.url, drifted.url])
    expect(gone.code).toBe(3)
    expect(gone.out + gone.err).toContain(`${drifted.url}/session/policy: unreachable`)
  })
})
