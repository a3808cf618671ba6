import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateHandle } from '../../../crypto/token'
import { createSessionManager } from '../../../manager/createSessionManager'
import type { StoredSession } from '../../types'
import { recordPattern } from '../keys'
import { RedisStore } from '../redisStore'
import { type AnyConnection, clusterClients, redisCluster } from './clients'
import { connectNodeRedis, deletePrefix, uniquePrefix } from './helpers'
import { monitor } from './monitor'

const T = Date.UTC(2026, 5, 1)
const limits = {
  idleTimeout: 900_000,
  absoluteTimeout: 3_600_000,
  touchInterval: 0,
  renewEvery: 0,
  renewGrace: 0,
}

let seed: string
let masters: number[]
beforeAll(async () => {
  seed = (await redisCluster()).url
  const admin = await connectNodeRedis(seed)
  const nodes = String(await admin.client.sendCommand(['CLUSTER', 'NODES']))
  admin.close()
  masters = nodes
    .split('\n')
    .filter((line) => / (myself,)?master /.test(line) && !line.includes('fail'))
    .map((line) => Number(/:(\d+)@/.exec(line)![1]))
    .sort()
  expect(masters).toHaveLength(3)
}, 120_000)

/** Live records under `prefix` on each master, counted with SCAN on that master alone. */
async function countPerMaster(prefix: string): Promise<number[]> {
  return Promise.all(
    masters.map(async (port) => {
      const node = await connectNodeRedis(`redis://127.0.0.1:${port}`)
      let count = 0
      let cursor = '0'
      do {
        const [next, keys] = (await node.client.sendCommand([
          'SCAN',
          cursor,
          'MATCH',
          recordPattern(prefix),
          'COUNT',
          '1000',
        ])) as [string, string[]]
        cursor = String(next)
        count += keys.length
      } while (cursor !== '0')
      node.close()
      return count
    }),
  )
}

describe.each(clusterClients.filter(([name]) => name.includes('5')))(
  'RedisStore on a 3-master cluster (%s)',
  (name, connect) => {
    let connection: AnyConnection
    const prefix = uniquePrefix()
    beforeAll(async () => {
      connection = await connect(seed)
    })
    afterAll(async () => {
      await deletePrefix(connection.client, prefix)
      await connection.close()
    })

    it('spreads 30,000 sessions of 30,000 subjects evenly: 33 % ± 5 % on each master', async () => {
      const store = new RedisStore({ client: connection.client, prefix })
      const total = 30_000
      let next = 0
      const worker = async () => {
        while (next < total) {
          const i = next++
          const subject = `spread-${i}`
          const handle = generateHandle({ subject })
          const session: StoredSession = {
            handle,
            subject,
            policy: 'default',
            fingerprint: 'f',
            authTime: T,
            createdAt: T,
            lastActivityAt: T,
            renewedAt: T,
          }
          await store.create({ id: `${handle}.${i}`, session, limits, tombstoneTtl: 60_000, now: T })
        }
      }
      await Promise.all(Array.from({ length: 32 }, worker))
      const counts = await countPerMaster(prefix)
      const shares = counts.map((count) => count / total)
      console.log(
        `[${name}] ${total} sessions per master (ports ${masters.join(', ')}): ${counts.join(' / ')} = ${shares.map((s) => `${(s * 100).toFixed(1)} %`).join(' / ')}`,
      )
      expect(counts.reduce((a, b) => a + b, 0)).toBe(total)
      for (const share of shares) {
        expect(share).toBeGreaterThanOrEqual(1 / 3 - 0.05)
        expect(share).toBeLessThanOrEqual(1 / 3 + 0.05)
      }
    }, 300_000)

    it('finds every session on every master with scan() and findDrift()', async () => {
      const scanPrefix = uniquePrefix()
      const store = new RedisStore({ client: connection.client, prefix: scanPrefix })
      const manager = createSessionManager({ policy: { idleTimeout: '15m', absoluteTimeout: '1h' }, store })
      const created = await Promise.all(
        Array.from({ length: 60 }, (_, i) => manager.create({ subject: `scan-${i}` })),
      )
      const seen = new Set<string>()
      for await (const session of store.scan({ count: 7 })) seen.add(session.handle)
      expect([...seen].sort()).toEqual(created.map((c) => c.session.handle).sort())
      expect((await countPerMaster(scanPrefix)).every((count) => count > 0)).toBe(true)
      const other = createSessionManager({ policy: { idleTimeout: '10m', absoluteTimeout: '1h' }, store })
      const drift = await other.findDrift({ fix: true })
      expect(drift).toMatchObject({ scanned: 60, found: 60, fixed: 60 })
      await deletePrefix(connection.client, scanPrefix)
    }, 120_000)

    it('sends one command per check to the one master that holds the session (MONITOR on every master)', async () => {
      const watches = await Promise.all(masters.map((port) => monitor(port)))
      const admins = await Promise.all(masters.map((port) => connectNodeRedis(`redis://127.0.0.1:${port}`)))
      const flush = () =>
        Promise.all(watches.map((watch, i) => watch.flush((args) => admins[i]!.client.sendCommand(args))))
      try {
        const manager = createSessionManager({
          policy: { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: 0 },
          store: new RedisStore({ client: connection.client, prefix }),
        })
        const sessions = await Promise.all(
          Array.from({ length: 12 }, (_, i) => manager.create({ subject: `rt-${i}` })),
        )
        // Load the script on every master first: the first call on a node answers NOSCRIPT, then EVAL.
        await Promise.all(sessions.map((s) => manager.validate(s.token)))
        await flush()
        for (const watch of watches) watch.reset()
        const checks = 120
        for (let i = 0; i < checks; i++) {
          const result = await manager.validate(sessions[i % sessions.length]!.token, {
            activity: i % 2 === 0,
          })
          expect(result.ok).toBe(true)
        }
        await flush()
        // The cluster client's own upkeep (CLUSTER SLOTS, PING, INFO) is not a check.
        const wire = watches.map((watch) => watch.commands.filter((c) => c === 'GET' || c.startsWith('EVAL')))
        console.log(
          `[${name}] commands per master for ${checks} checks: ${wire.map((w) => w.length).join(' / ')}`,
        )
        expect(wire.flat()).toHaveLength(checks)
        expect(wire.flat().filter((c) => c === 'GET')).toHaveLength(checks / 2)
        expect(wire.every((w) => w.length > 0)).toBe(true)
      } finally {
        for (const watch of watches) watch.close()
        for (const admin of admins) admin.close()
      }
    }, 120_000)
  },
)
