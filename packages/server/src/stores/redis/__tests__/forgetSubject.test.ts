import { createClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../../audit/events'
import { hashToken } from '../../../crypto/token'
import { createSessionManager } from '../../../manager/createSessionManager'
import { RedisStore } from '../redisStore'
import {
  type AnyConnection,
  type Connector,
  clusterClients,
  redisCluster,
  singleNodeClients,
} from './clients'
import { connectNodeRedis, deletePrefix, REDIS_URL, uniquePrefix } from './helpers'

const POLICY = { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: 0, renewEvery: '1m' } as const

/** The masters to SCAN: every master of a cluster, or the one node. */
async function mastersOf(url: string): Promise<string[]> {
  const admin = await connectNodeRedis(url)
  try {
    const nodes = String(await admin.client.sendCommand(['CLUSTER', 'NODES']))
    return nodes
      .split('\n')
      .filter((line) => / (myself,)?master /.test(line) && !line.includes('fail'))
      .map((line) => `redis://127.0.0.1:${/:(\d+)@/.exec(line)![1]}`)
  } catch {
    return [url] // not a cluster
  } finally {
    admin.close()
  }
}

/** Every key under the prefix with its full content, as SCAN on each master finds them. */
async function everything(masters: readonly string[], prefix: string): Promise<string> {
  const dump: string[] = []
  for (const url of masters) {
    const client = createClient({ url })
    client.on('error', () => {})
    await client.connect()
    try {
      for await (const batch of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
        for (const key of batch) {
          const type = await client.type(key)
          const value =
            type === 'string'
              ? await client.get(key)
              : type === 'hash'
                ? await client.hGetAll(key)
                : type === 'set'
                  ? await client.sMembers(key)
                  : type === 'zset'
                    ? await client.zRange(key, 0, -1)
                    : type
          dump.push(`${url} ${key} ${JSON.stringify(value)}`)
        }
      }
    } finally {
      client.destroy()
    }
  }
  return dump.join('\n')
}

const layouts: Array<[name: string, connect: Connector, url: () => Promise<string>, masters: number]> = [
  ['one node (node-redis 5)', singleNodeClients[0]![1], async () => REDIS_URL, 1],
  // The cluster key layout on a real 3-master cluster: SCAN must run on every master, the erasing
  // script on the subject's slot.
  ...clusterClients
    .filter(([name]) => name.includes('5'))
    .map(([name, connect]): [string, Connector, () => Promise<string>, number] => [
      `a 3-master cluster (${name})`,
      connect,
      async () => (await redisCluster()).url,
      3,
    ]),
]

describe.each(layouts)('manager.forgetSubject on a RedisStore, %s', (_name, connect, url, masterCount) => {
  let connection: AnyConnection
  let masters: string[]
  const prefix = uniquePrefix()
  beforeAll(async () => {
    const seed = await url()
    connection = await connect(seed)
    masters = await mastersOf(seed)
    expect(masters).toHaveLength(masterCount)
  }, 120_000)
  afterAll(async () => {
    await deletePrefix(connection.client, prefix)
    await connection.close()
  })

  it('leaves no key (or value) of the subject in Redis — SCAN proves it — and the other subjects intact', async () => {
    let time = Date.UTC(2026, 0, 1)
    const store = new RedisStore({ client: connection.client, prefix, now: () => time })
    const events: AuditEvent[] = []
    const manager = createSessionManager({ policy: POLICY, store, audit: (e) => void events.push(e) })
    const subject = 'alice@example.com'
    const live = await manager.create({ subject })
    const renewed = await manager.create({ subject })
    time += 90_000
    const rotated = await manager.validate(renewed.token) // rotates: a retired id now points at it
    const ended = await manager.create({ subject })
    await manager.revoke(ended.token, 'logout') // a tombstone
    // Others, spread over the masters of a cluster.
    const others = await Promise.all(
      Array.from({ length: 12 }, (_, i) => manager.create({ subject: `bob-${i}` })),
    )
    expect(rotated.ok && rotated.token).toBeTruthy()
    const before = await everything(masters, prefix)
    expect(before).toContain(live.session.handle)
    expect(before).toContain('alice')
    if (masterCount > 1) {
      // The subject's keys share one slot, so one master; the others' keys are on every master.
      const aliceOn = new Set(
        before
          .split('\n')
          .filter((l) => l.includes('alice'))
          .map((l) => l.split(' ')[0]),
      )
      expect(aliceOn.size).toBe(1)
      expect(new Set(before.split('\n').map((l) => l.split(' ')[0])).size).toBe(masters.length)
    }

    const eventsBefore = events.length
    expect(await manager.forgetSubject(subject)).toBe(3)
    const audited = events.slice(eventsBefore)

    const after = await everything(masters, prefix)
    expect(after).not.toContain('alice')
    for (const created of [live, renewed, ended]) {
      expect(after).not.toContain(created.session.handle)
      expect(after).not.toContain(hashToken(created.token))
    }
    for (const other of others) expect(after).toContain(other.session.handle)
    expect((await manager.validate(live.token)).ok).toBe(false)
    for (const other of others) expect((await manager.validate(other.token)).ok).toBe(true)
    expect(await manager.list(subject)).toEqual([])
    // What forgetSubject audited (the live sessions' ends, the erasure) names nobody.
    expect(audited.map((e) => e.type)).toEqual(['session.revoked', 'session.revoked', 'subject.forgotten'])
    expect(JSON.stringify(audited)).not.toContain('alice')
    await manager.close()
  }, 60_000)
})
