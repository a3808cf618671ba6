import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { handleOf } from '../../crypto/token'
import { createSessionManager } from '../../manager/createSessionManager'
import { clusterClients, redisCluster, stopRedisCluster } from '../../stores/redis/__tests__/clients'
import { connectNodeRedis, deletePrefix, keySlot, uniquePrefix } from '../../stores/redis/__tests__/helpers'
import { sessionKeys } from '../../stores/redis/keys'
import { RedisStore } from '../../stores/redis/redisStore'
import type { SessionEnd } from '../types'

/**
 * The fleet channel on a real 3 + 3 cluster is sharded pub/sub: `SPUBLISH` to the shard that owns the
 * channel's slot, one `SSUBSCRIBE` per manager on that shard's master. The failover cases run on their
 * own cluster (ports FAILOVER_BASE..+5), rebuilt for each client and removed at the end.
 */
const FAILOVER_BASE = Number(process.env.CURFEW_CHANNEL_FAILOVER_BASE ?? 7111)
const policy = { idleTimeout: '15m', absoluteTimeout: '1h' }
let seed: string
let ports: number[]
beforeAll(async () => {
  ;({ url: seed, ports } = await redisCluster())
}, 120_000)
afterAll(async () => {
  await stopRedisCluster(FAILOVER_BASE)
  await rm(join(process.env.TMPDIR ?? tmpdir(), `curfew-redis-cluster-${FAILOVER_BASE}.lock`), {
    force: true,
  })
}, 60_000)

/** Runs `command` on each of `on` (ports), one by one; resolves the replies, `undefined` for a dead node. */
async function onNodes(on: number[], command: string[]): Promise<unknown[]> {
  const replies: unknown[] = []
  for (const port of on) {
    try {
      const node = await connectNodeRedis(`redis://127.0.0.1:${port}`)
      replies.push(await node.client.sendCommand(command))
      node.close()
    } catch {
      replies.push(undefined)
    }
  }
  return replies
}

/** The master port that owns `slot`, as the node on `port` sees it. */
async function ownerOf(port: number, slot: number): Promise<number> {
  const [slots] = (await onNodes([port], ['CLUSTER', 'SLOTS'])) as [Array<[number, number, [string, number]]>]
  const range = slots.find(([from, to]) => slot >= Number(from) && slot <= Number(to))
  if (!range) throw new Error(`slot ${slot} has no master`)
  return Number(range[2][1])
}

/**
 * Resolves once the channel has a sharded subscriber, and returns the port of the node that has it:
 * `PUBSUB SHARDNUMSUB` on every node must show it there, on the owner of the channel's slot, and
 * nowhere else (a plain `SUBSCRIBE` would show in `PUBSUB NUMSUB`, never here).
 */
async function shardSubscribed(on: number[], channel: string, count = 1): Promise<number> {
  for (;;) {
    const replies = (await onNodes(on, ['PUBSUB', 'SHARDNUMSUB', channel])) as Array<
      [string, number] | undefined
    >
    const counts = replies.map((reply) => Number(reply?.[1] ?? 0))
    const at = counts.findIndex((n) => n >= count)
    if (at !== -1) {
      const alive = on.filter((_, i) => replies[i] !== undefined)
      expect(await ownerOf(alive.find((p) => p !== on[at]) ?? on[at]!, keySlot(channel))).toBe(on[at])
      expect(counts.filter((n) => n > 0)).toHaveLength(1)
      return on[at]!
    }
    await sleep(20)
  }
}

describe.each(clusterClients)('session end notices on a Redis Cluster (%s)', (name, connect) => {
  async function managers(options: { aPublishes: boolean; url?: string }) {
    const seed_ = options.url ?? seed
    const prefix = uniquePrefix()
    const [ca, cb] = [await connect(seed_), await connect(seed_)]
    const storeA = new RedisStore({ client: ca.client, prefix })
    const storeB = new RedisStore({ client: cb.client, prefix })
    // Without its channel, A tells nobody: its revokes can reach B only through B's re-checks.
    if (!options.aPublishes) storeA.endNotices = () => undefined
    // B's passive reads of the store: the watch's re-checks.
    let reads = 0
    const list = storeB.list.bind(storeB)
    storeB.list = async (input) => {
      const result = await list(input)
      reads++
      return result
    }
    const a = createSessionManager({ policy, store: storeA })
    const b = createSessionManager({ policy, store: storeB })
    const close = async () => {
      await a.close()
      await b.close()
      await deletePrefix(ca.client, prefix).catch(() => undefined)
      await ca.close()
      await cb.close()
    }
    return { prefix, a, b, storeB, reads: () => reads, close }
  }

  it('ends a watch on server B when server A revokes the session, through the sharded channel', async () => {
    const { prefix, a, b, close } = await managers({ aPublishes: true })
    try {
      const { token, session } = await a.create({ subject: 'u1' })
      const ended = new Promise<SessionEnd>((resolve) => b.watch(session, resolve))
      const owner = await shardSubscribed(ports, `${prefix}ends`)
      // No plain subscriber anywhere: the channel is sharded.
      const plain = (await onNodes(ports, ['PUBSUB', 'NUMSUB', `${prefix}ends`])) as Array<[string, number]>
      expect(plain.map(([, n]) => Number(n))).toEqual(ports.map(() => 0))
      const revokedAt = performance.now()
      await a.revoke(token)
      // "revoked" comes only with the notice: a re-check finds the record gone and says "unknown".
      expect(await ended).toEqual({ session: session.handle, reason: 'revoked' })
      console.log(
        `[${name}] SSUBSCRIBE on :${owner} (owner of slot ${keySlot(`${prefix}ends`)}); ` +
          `revoke on A → watch on B ended after ${(performance.now() - revokedAt).toFixed(1)} ms`,
      )
    } finally {
      await close()
    }
  }, 30_000)

  it('re-checks every watch once it is subscribed again after losing its node connection', async () => {
    const { prefix, a, b, reads, close } = await managers({ aPublishes: false })
    try {
      const { token, session } = await a.create({ subject: 'u1' })
      let end: SessionEnd | undefined
      const ended = new Promise<SessionEnd>((resolve) =>
        b.watch(session, (e) => {
          end = e
          resolve(e)
        }),
      )
      await shardSubscribed(ports, `${prefix}ends`)
      // The re-check of the first subscription has read the store and found the session live.
      while (reads() === 0) await new Promise((resolve) => setTimeout(resolve, 20))
      await a.revoke(token)
      const readsBefore = reads()
      expect(end).toBeUndefined()
      await onNodes(ports, ['CLIENT', 'KILL', 'TYPE', 'pubsub'])
      expect(await ended).toEqual({ session: session.handle, reason: 'unknown' })
      expect(reads()).toBeGreaterThan(readsBefore)
    } finally {
      await close()
    }
  }, 30_000)

  it('follows the channel to the promoted replica when its master dies, and re-checks the watches', async () => {
    const cluster = await redisCluster(FAILOVER_BASE)
    const all = cluster.ports
    // The other shards keep serving while the dead master's slots have no owner yet.
    await onNodes(all, ['CONFIG', 'SET', 'cluster-require-full-coverage', 'no'])
    const { prefix, a, b, reads, close } = await managers({ aPublishes: false, url: cluster.url })
    try {
      const channel = `${prefix}ends`
      // A session kept on another shard, so it can be revoked while the channel's shard is down.
      let made: Awaited<ReturnType<typeof a.create>> | undefined
      for (let i = 0; !made; i++) {
        const created = await a.create({ subject: `failover-${i}` })
        const slot = keySlot(sessionKeys(prefix, handleOf(created.token)!).record)
        if ((await ownerOf(all[0]!, slot)) !== (await ownerOf(all[0]!, keySlot(channel)))) made = created
      }
      const { token, session } = made
      let end: SessionEnd | undefined
      const ended = new Promise<SessionEnd>((resolve) =>
        b.watch(session, (e) => {
          end = e
          resolve(e)
        }),
      )
      const owner = await shardSubscribed(all, channel)
      while (reads() === 0) await sleep(20)
      const survivor = all.find((p) => p !== owner)!
      const [info] = (await onNodes([owner], ['INFO', 'server'])) as [string]
      const pid = Number(/process_id:(\d+)/.exec(info)![1])
      process.kill(pid, 'SIGKILL')
      const killedAt = performance.now()
      // The end happens in the gap: the dead master still owns the channel's slot (no replica was
      // promoted yet), so no subscriber exists anywhere, and A publishes nothing anyway.
      await a.revoke(token)
      expect(await ownerOf(survivor, keySlot(channel))).toBe(owner)
      const readsBefore = reads()
      expect(end).toBeUndefined()
      // Only B's re-check, once it subscribed on the promoted replica, can end the watch.
      expect(await ended).toEqual({ session: session.handle, reason: 'unknown' })
      const endedAfter = performance.now() - killedAt
      expect(reads()).toBeGreaterThan(readsBefore)
      const promoted = await ownerOf(survivor, keySlot(channel))
      expect(promoted).not.toBe(owner)
      expect(
        await shardSubscribed(
          all.filter((p) => p !== owner),
          channel,
        ),
      ).toBe(promoted)
      console.log(
        `[${name}] master :${owner} killed; B subscribed again on the promoted :${promoted} and its ` +
          `re-check ended the watch ${endedAfter.toFixed(0)} ms after the kill`,
      )
      // And notices flow again through the new owner: server C publishes, B hears "revoked".
      // (Seeded by a survivor: the cluster's seed may be the dead node.)
      const pub = await connect(`redis://127.0.0.1:${survivor}`)
      const c = createSessionManager({ policy, store: new RedisStore({ client: pub.client, prefix }) })
      try {
        const second = await c.create({ subject: 'after-failover' })
        const secondEnded = new Promise<SessionEnd>((resolve) => b.watch(second.session, resolve))
        await c.revoke(second.token)
        expect(await secondEnded).toEqual({ session: second.session.handle, reason: 'revoked' })
      } finally {
        await c.close()
        await pub.close()
      }
    } finally {
      await close()
    }
  }, 120_000)

  it('moves with the slot when the owner hands it over alive (manual failover: the node sends sunsubscribe)', async () => {
    const cluster = await redisCluster(FAILOVER_BASE)
    const { prefix, a, b, reads, close } = await managers({ aPublishes: false, url: cluster.url })
    try {
      const channel = `${prefix}ends`
      const { token, session } = await a.create({ subject: 'u1' })
      let end: SessionEnd | undefined
      const ended = new Promise<SessionEnd>((resolve) =>
        b.watch(session, (e) => {
          end = e
          resolve(e)
        }),
      )
      const owner = await shardSubscribed(cluster.ports, channel)
      while (reads() === 0) await sleep(20)
      await a.revoke(token)
      const readsBefore = reads()
      const [replication] = (await onNodes([owner], ['INFO', 'replication'])) as [string]
      const replica = Number(/slave0:[^\n]*port=(\d+)/.exec(replication)![1])
      // The replica takes the slot over; the old master stays up and connected, now a replica.
      await onNodes([replica], ['CLUSTER', 'FAILOVER'])
      expect(await ended).toEqual({ session: session.handle, reason: 'unknown' })
      expect(end).toBeDefined()
      expect(reads()).toBeGreaterThan(readsBefore)
      expect(await shardSubscribed(cluster.ports, channel)).toBe(replica)
      console.log(`[${name}] slot handed over :${owner} → :${replica}; B followed it and re-checked`)
    } finally {
      await close()
    }
  }, 120_000)
})
