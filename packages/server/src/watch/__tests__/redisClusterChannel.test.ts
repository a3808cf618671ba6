import { beforeAll, describe, expect, it } from 'vitest'
import { createSessionManager } from '../../manager/createSessionManager'
import { clusterClients, redisCluster } from '../../stores/redis/__tests__/clients'
import { connectNodeRedis, deletePrefix, uniquePrefix } from '../../stores/redis/__tests__/helpers'
import { RedisStore } from '../../stores/redis/redisStore'
import type { SessionEnd } from '../types'

const policy = { idleTimeout: '15m', absoluteTimeout: '1h' }
let seed: string
let ports: number[]
beforeAll(async () => {
  ;({ url: seed, ports } = await redisCluster())
}, 120_000)

/** Runs `command` on every node of the cluster, one by one; resolves the replies. */
async function onEveryNode(command: string[]): Promise<unknown[]> {
  const replies: unknown[] = []
  for (const port of ports) {
    const node = await connectNodeRedis(`redis://127.0.0.1:${port}`)
    replies.push(await node.client.sendCommand(command))
    node.close()
  }
  return replies
}

/** Resolves once some node has a subscriber on `channel` (a manager subscribes with its first watch). */
async function subscribed(channel: string): Promise<void> {
  for (;;) {
    const replies = (await onEveryNode(['PUBSUB', 'NUMSUB', channel])) as Array<[string, number]>
    if (replies.some(([, count]) => Number(count) > 0)) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe.each(clusterClients)('session end notices on a Redis Cluster (%s)', (_name, connect) => {
  async function managers(options: { aPublishes: boolean }) {
    const prefix = uniquePrefix()
    const [ca, cb] = [await connect(seed), await connect(seed)]
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
    return { prefix, a, b, reads: () => reads, close }
  }

  it('ends a watch on server B when server A revokes the session', async () => {
    const { prefix, a, b, close } = await managers({ aPublishes: true })
    try {
      const { token, session } = await a.create({ subject: 'u1' })
      const ended = new Promise<SessionEnd>((resolve) => b.watch(session, resolve))
      await subscribed(`${prefix}ends`)
      await a.revoke(token)
      // "revoked" comes only with the notice: a re-check finds the record gone and says "unknown".
      expect(await ended).toEqual({ session: session.handle, reason: 'revoked' })
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
      await subscribed(`${prefix}ends`)
      // The re-check of the first subscription has read the store and found the session live.
      while (reads() === 0) await new Promise((resolve) => setTimeout(resolve, 20))
      await a.revoke(token)
      const readsBefore = reads()
      expect(end).toBeUndefined()
      await onEveryNode(['CLIENT', 'KILL', 'TYPE', 'pubsub'])
      expect(await ended).toEqual({ session: session.handle, reason: 'unknown' })
      expect(reads()).toBeGreaterThan(readsBefore)
    } finally {
      await close()
    }
  }, 30_000)
})
