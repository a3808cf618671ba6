import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { createSessionManager, RedisStore } from '@curfew/server'
import { createClient, createCluster } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../run'
import { captureIO } from './helpers'

/**
 * `curfew sessions --redis <one node's URL>` on a real 3-master Redis Cluster this file starts on
 * its own ports (BASE..BASE+5, distinct from the shared cluster on 7101) and removes afterwards.
 */
const BASE = Number(process.env.CURFEW_CLI_CLUSTER_BASE ?? 7131)
const script = resolve(import.meta.dirname, '../../../../scripts/redis-cluster.sh')
const run = promisify(execFile)
const prefix = `curfew-cli-test:${randomUUID()}:`

let seed: string
let cluster: ReturnType<typeof createCluster>
const handles = new Map<string, string>()

beforeAll(async () => {
  seed = (await run(script, ['start', String(BASE)], { timeout: 120_000 })).stdout.trim()
  cluster = createCluster({ rootNodes: [{ url: seed }], useReplicas: false })
  cluster.on('error', () => {})
  await cluster.connect()
  const manager = createSessionManager({
    policy: { idleTimeout: '15m', absoluteTimeout: '8h' },
    store: new RedisStore({ client: cluster, prefix }),
  })
  for (let i = 0; i < 30; i++) {
    const { session } = await manager.create({ subject: `user-${i}` })
    handles.set(session.handle, session.subject)
  }
}, 120_000)

afterAll(async () => {
  await cluster?.destroy()
  await run(script, ['stop', String(BASE)], { timeout: 60_000 })
  await rm(join(process.env.TMPDIR ?? tmpdir(), `curfew-redis-cluster-${BASE}.lock`), { force: true })
}, 60_000)

async function sessions(...args: string[]) {
  const io = captureIO()
  const code = await runCli(['sessions', '--redis', seed, '--prefix', prefix, '--json', ...args], io)
  return { code, report: JSON.parse(io.out.join('\n')) }
}

describe('curfew sessions on a Redis Cluster', () => {
  it('walks every master from one node’s URL: all sessions, whichever shard holds them', async () => {
    // The sessions really are spread: each master holds some of them.
    const perMaster = await Promise.all(
      cluster.masters.map(async (master) => {
        const node = createClient({ url: `redis://${master.host}:${master.port}` })
        await node.connect()
        const keys: string[] = []
        for await (const batch of node.scanIterator({ MATCH: `${prefix}*:s:*`, COUNT: 500 }))
          keys.push(...batch)
        node.destroy()
        return keys.length
      }),
    )
    expect(perMaster).toHaveLength(3)
    expect(perMaster.every((n) => n > 0)).toBe(true)

    const { code, report } = await sessions()
    expect(code).toBe(0)
    expect(report.scanned).toBe(30)
    const listed = new Map(
      report.sessions.map((s: { handle: string; subject: string }) => [s.handle, s.subject]),
    )
    expect(listed).toEqual(handles)
  })

  it('lists one subject from the master of its slot', async () => {
    const [handle, subject] = [...handles][7]!
    const { code, report } = await sessions('--subject', subject)
    expect(code).toBe(0)
    expect(report.sessions.map((s: { handle: string }) => s.handle)).toEqual([handle])
  })
})
