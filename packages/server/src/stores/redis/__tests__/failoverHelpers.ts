import { setTimeout as sleep } from 'node:timers/promises'
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
