import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, afterEach, beforeEach } from 'vitest'
import { stopRedisCluster } from './clients'
import type { connectNodeRedis } from './helpers'

/** A plain connection to one node of the test cluster. */
export type Admin = Awaited<ReturnType<typeof connectNodeRedis>>
/** One slot range and the port of its master. */
export type SlotRange = { from: number; to: number; port: number }

/** Slot ranges → master port, as a surviving node sees them, in slot order. */
export async function slotOwners(admin: Admin): Promise<SlotRange[]> {
  const slots = (await admin.client.sendCommand(['CLUSTER', 'SLOTS'])) as Array<
    [number, number, [string, number, ...unknown[]], ...unknown[]]
  >
  return slots
    .map(([from, to, [, port]]) => ({ from: Number(from), to: Number(to), port: Number(port) }))
    .sort((a, b) => a.from - b.from)
}

/** The port of the master that owns `slot`. */
export function ownerOf(owners: SlotRange[], slot: number): number {
  const range = owners.find((r) => slot >= r.from && slot <= r.to)
  if (!range) throw new Error(`slot ${slot} has no master`)
  return range.port
}

/** How the store names a master's shard (`meta.shard`): its slot ranges. */
export function shardName(owners: SlotRange[], port: number): string {
  return owners
    .filter((r) => r.port === port)
    .map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`))
    .join(',')
}

/** Waits until the master's one replica has every write the master took (so a kill loses nothing). */
export async function replicated(master: Admin): Promise<void> {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    const info = String(await master.client.sendCommand(['INFO', 'replication']))
    const offset = Number(/master_repl_offset:(\d+)/.exec(info)?.[1])
    const replica = Number(/slave0:.*offset=(\d+)/.exec(info)?.[1])
    if (offset > 0 && replica === offset) return
    await sleep(50)
  }
  throw new Error('the replica did not catch up')
}

/** Lets the surviving shards answer while one master is down (Redis's default refuses everywhere). */
export async function partialCoverage(owners: SlotRange[], connect: typeof connectNodeRedis): Promise<void> {
  await Promise.all(
    [...new Set(owners.map((r) => r.port))].map(async (port) => {
      const node = await connect(`redis://127.0.0.1:${port}`)
      await node.client.sendCommand(['CONFIG', 'SET', 'cluster-require-full-coverage', 'no'])
      node.close()
    }),
  )
}

/**
 * The hooks every failover file needs: collect unhandled rejections per test (each test asserts none),
 * and remove the file's own cluster on ports `base`..`base`+5, with its lock, when the file ends.
 * Returns the array a test reads.
 */
export function failoverSuite(base: number): unknown[] {
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => {
    unhandled.push(reason)
  }
  beforeEach(() => {
    unhandled.length = 0
    process.on('unhandledRejection', onUnhandled)
  })
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled)
  })
  afterAll(async () => {
    await stopRedisCluster(base)
    await rm(join(process.env.TMPDIR ?? tmpdir(), `curfew-redis-cluster-${base}.lock`), { force: true })
  }, 60_000)
  return unhandled
}

/** Redis's own clock on one node, in epoch ms (the clock the store judges by). */
export async function redisTime(admin: Admin): Promise<number> {
  const [s, us] = (await admin.client.sendCommand(['TIME'])) as [string, string]
  return Number(s) * 1000 + Math.floor(Number(us) / 1000)
}
