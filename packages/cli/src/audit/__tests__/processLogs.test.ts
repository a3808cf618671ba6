import { type ChildProcess, fork } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { captureIO } from '../../__tests__/helpers'
import { runCli } from '../../run'
import type { AuditVerification } from '../verifyLogs'
import { MIN, POLICY, REDIS_URL, T0 } from './generateLogs'

// Real processes, one log each: the source of serviceProcess.ts is bundled (the other tests run the
// source too) and forked three times — two processes of service "api", one of "web" — over one Redis.
const packageDir = fileURLToPath(new URL('../../..', import.meta.url))
const prefix = `curfew-audit-process-test:${randomUUID()}:`
const redis = createClient({ url: REDIS_URL })
let bundleDir: string
let logDir: string
let script: string

interface Reply {
  id: number
  value: unknown
}

class ServiceProcess {
  readonly child: ChildProcess
  readonly ready: Promise<void>
  readonly log: string
  #next = 1
  #pending = new Map<number, (value: unknown) => void>()

  constructor(
    readonly service: string,
    readonly clock: { now: number },
  ) {
    this.log = join(logDir, `${service}-${randomUUID().slice(0, 8)}.log`)
    this.child = fork(script, [], {
      env: {
        ...process.env,
        REDIS_URL,
        PREFIX: prefix,
        SERVICE: service,
        LOG: this.log,
        POLICY: JSON.stringify(POLICY),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    this.ready = new Promise((resolve, reject) => {
      this.#pending.set(0, () => resolve())
      this.child.once('exit', (code) => {
        if (code !== 0) reject(new Error(`${service} exited with ${code}`))
      })
    })
    this.child.on('message', (message: Reply) => {
      const resolve = this.#pending.get(message.id)
      this.#pending.delete(message.id)
      resolve?.(message.value)
    })
  }

  call<T = unknown>(op: string, fields: Record<string, unknown> = {}): Promise<T> {
    const id = this.#next++
    return new Promise<T>((resolve) => {
      this.#pending.set(id, resolve as (value: unknown) => void)
      this.child.send({ id, now: this.clock.now, op, ...fields })
    })
  }
}

interface Created {
  token: string
  session: { handle: string }
}
interface Checked {
  ok: boolean
  session?: Record<string, unknown>
}

/** How many managers Redis counts as subscribed to the fleet's end notices. */
async function subscribers() {
  const reply = (await redis.sendCommand(['PUBSUB', 'NUMSUB', `${prefix}ends`])) as [string, number]
  return Number(reply[1])
}

beforeAll(async () => {
  redis.on('error', () => {})
  await redis.connect()
  // Inside the package, so `redis` resolves from its node_modules.
  bundleDir = await mkdtemp(join(packageDir, 'node_modules', '.process-test-'))
  logDir = await mkdtemp(join(tmpdir(), 'curfew-audit-processes-'))
  script = join(bundleDir, 'service.mjs')
  await build({
    entryPoints: [join(packageDir, 'src/audit/__tests__/serviceProcess.ts')],
    outfile: script,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    conditions: ['@curfew/source'],
    external: ['redis'],
    logLevel: 'error',
  })
}, 60_000)

afterAll(async () => {
  const keys: string[] = []
  for await (const batch of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch)
  if (keys.length) await redis.del(keys)
  redis.destroy()
  await rm(bundleDir, { recursive: true, force: true })
  await rm(logDir, { recursive: true, force: true })
})

describe('curfew audit verify on logs of several processes over one Redis', () => {
  it('passes the logs three processes wrote through sign-in, activity, idle and absolute expiry, revoke and socket cut-offs', async () => {
    const clock = { now: T0 }
    const api1 = new ServiceProcess('api', clock)
    const api2 = new ServiceProcess('api', clock)
    const web = new ServiceProcess('web', clock)
    const all = [api1, api2, web]
    await Promise.all(all.map((p) => p.ready))
    const advance = async (ms: number) => {
      clock.now += ms
      await Promise.all(all.map((p) => p.call('tick')))
    }

    // Activity across processes, then an admin revoke.
    const alice = await api1.call<Created>('create', { subject: 'alice' })
    await advance(5 * MIN)
    await web.call('validate', { token: alice.token })
    await advance(5 * MIN)
    await api2.call('validate', { token: alice.token })
    await advance(2 * MIN)
    expect(await api1.call('revoke', { handle: alice.session.handle })).toBe(true)

    // Idle: away 20 minutes; refused (once ended) on two processes.
    const bob = await web.call<Created>('create', { subject: 'bob' })
    await advance(4 * MIN)
    await api1.call('validate', { token: bob.token })
    await advance(20 * MIN)
    expect((await web.call<Checked>('validate', { token: bob.token })).ok).toBe(false)
    expect((await api2.call<Checked>('validate', { token: bob.token })).ok).toBe(false)

    // Absolute: active every 10 minutes on every process until the hour is over.
    const carol = await api2.call<Created>('create', { subject: 'carol' })
    for (let i = 0; i < 6; i++) {
      await advance(10 * MIN)
      await all[i % 3]!.call('validate', { token: carol.token })
    }
    await advance(1 * MIN)
    expect((await web.call<Checked>('validate', { token: carol.token })).ok).toBe(false)

    // A WebSocket on api-1 closed when web finds the session idle (end notice over Redis pub/sub).
    const dave = await web.call<Created>('create', { subject: 'dave' })
    await advance(3 * MIN)
    const daveOk = await api1.call<Checked>('validate', { token: dave.token })
    const daveClosed = api1.call('watch', { session: daveOk.session, transport: 'websocket' })
    // Subscribed, and the watch's re-read on subscribing answered before the clock moves (it would be
    // judged at the old time and answered at the new one: the cut-off stamped 15 minutes early).
    await api1.call('settle')
    expect(await subscribers()).toBe(1)
    await advance(15 * MIN)
    expect((await web.call<Checked>('validate', { token: dave.token })).ok).toBe(false)
    expect(await daveClosed).toBe('closed')

    // An SSE stream on web cut off when api-1 revokes the session.
    const frank = await api2.call<Created>('create', { subject: 'frank' })
    await advance(1 * MIN)
    const frankOk = await web.call<Checked>('validate', { token: frank.token })
    const frankClosed = web.call('watch', { session: frankOk.session, transport: 'sse' })
    // The re-read on subscribing done before the revoke: one landing between the revoke and its notice
    // finds no record and nothing heard, and ends the watch with reason "unknown".
    await web.call('settle')
    expect(await subscribers()).toBe(2)
    await api1.call('revoke', { handle: frank.session.handle })
    expect(await frankClosed).toBe('closed')

    const pids = await Promise.all(all.map((p) => p.call<number>('close')))
    expect(new Set([...pids, process.pid]).size).toBe(4)

    const policyFile = join(logDir, 'policy.json')
    await writeFile(policyFile, JSON.stringify(POLICY))
    const files = all.map((p) => p.log)
    const verify = async () => {
      const io = captureIO()
      const code = await runCli(['audit', 'verify', ...files, '--policy', policyFile, '--json'], io)
      return { code, result: JSON.parse(io.out.join('\n')) as AuditVerification }
    }
    const { code, result } = await verify()
    expect(result.violations).toEqual([])
    expect(code).toBe(0)
    expect(result.sessions).toBe(5)
    expect(result.sessionsWithoutEvidence).toBe(0)
    expect(result.chains.map((c) => c.service).sort()).toEqual(['api', 'api', 'web'])
    const events = (await Promise.all(files.map((f) => readFile(f, 'utf8'))))
      .flatMap((text) => text.split('\n').filter(Boolean))
      .map((line) => JSON.parse(line))
    expect(new Set(events.filter((e) => e.type === 'audit.chain.started').map((e) => e.pid))).toEqual(
      new Set(pids),
    )
    expect(
      events
        .filter((e) => e.type === 'connection.closed')
        .map((e) => `${e.meta.transport} ${e.reason}`)
        .sort(),
    ).toEqual(['sse revoked', 'websocket idle'])

    // One line deleted from one process's log is named.
    const lines = (await readFile(files[1]!, 'utf8')).split('\n').filter(Boolean)
    await writeFile(files[1]!, `${lines.filter((_, i) => i !== 2).join('\n')}\n`)
    const tampered = await verify()
    expect(tampered.code).toBe(1)
    expect(tampered.result.violations).toContainEqual(
      expect.objectContaining({ rule: 'chain.deleted', file: files[1], line: 3 }),
    )
  }, 120_000)
})
