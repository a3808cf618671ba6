import type { StoreFailureDomain } from '../types'

/** Hash slots of a Redis Cluster. */
const SLOTS = 16_384

interface KnownShard {
  readonly ranges: ReadonlyArray<readonly [from: number, to: number]>
  readonly domain: StoreFailureDomain
}

/**
 * The failure domain of a hash slot on a Redis Cluster, read from the client's own slot map
 * (`masterAt`): the shard is named by its master's slot ranges (`'5461-10922'`), which stay the same
 * when a replica takes over, so an outage opened on the dead master is closed by the promoted one;
 * `node` is the master's address. A master's ranges are found by one walk of the map (16,384 lookups)
 * the first time it is seen and again after the map moved slots away from it; other lookups are two
 * map reads. `null` while the map has no master for the slot.
 *
 * @example
 * const shardOf = shardsOf((slot) => cluster.slots[slot]?.master.address)
 * shardOf(keySlot('{x9Qe}')) // { shard: '0-5460', node: '127.0.0.1:7101' }
 */
export function shardsOf(
  masterAt: (slot: number) => string | undefined,
): (slot: number) => StoreFailureDomain | null {
  const byNode = new Map<string, KnownShard>()
  return (slot) => {
    const node = masterAt(slot)
    if (node === undefined) return null
    const known = byNode.get(node)
    if (known && holds(known, slot) && masterAt(known.ranges[0]![0]) === node) return known.domain
    const ranges: Array<[number, number]> = []
    for (let at = 0; at < SLOTS; at++) {
      if (masterAt(at) !== node) continue
      const last = ranges[ranges.length - 1]
      if (last && last[1] === at - 1) last[1] = at
      else ranges.push([at, at])
    }
    const shard = ranges.map(([from, to]) => (from === to ? `${from}` : `${from}-${to}`)).join(',')
    const fresh = { ranges, domain: { shard, node } }
    byNode.set(node, fresh)
    return fresh.domain
  }
}

function holds(known: KnownShard, slot: number): boolean {
  for (const [from, to] of known.ranges) if (slot >= from && slot <= to) return true
  return false
}
