import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../../audit/events'
import { handleOf } from '../../../crypto/token'
import { createSessionManager } from '../../../manager/createSessionManager'
import { otelPipeline } from '../../../metrics/__tests__/otel'
import type { ValidateResult } from '../../../types'
import { sessionKeys } from '../keys'
import { RedisStore } from '../redisStore'
import { type AnyConnection, clusterClients, redisCluster } from './clients'
import {
  type Admin,
  failoverSuite,
  ownerOf,
  partialCoverage,
  replicated,
  shardName,
  slotOwners,
} from './failoverHelpers'
import { connectNodeRedis, deletePrefix, keySlot, uniquePrefix } from './helpers'

/**
 * One manager checks sessions on every shard of a real 3 + 3 cluster while one master crashes
 * (`DEBUG SEGFAULT`): its audit trail holds one outage of that shard — one `store.unavailable`, one
 * `store.recovered` after the replica's promotion, both naming it — and nothing for the others, whose
 * checks never fail. This file starts its own cluster on ports BASE..BASE+5 and removes it at the end.
 */
const BASE = Number(process.env.CURFEW_SHARD_OUTAGE_BASE ?? 7161)
/** How long the whole outage may take before the test gives up (a failover takes a few seconds). */
const RECOVERY_LIMIT = 60_000

const failedClosed = (r: ValidateResult) => !r.ok && r.reason === 'store_unavailable' && r.httpStatus === 503

const unhandled = failoverSuite(BASE)

describe.each(clusterClients)('one shard of a cluster goes down under one manager (%s)', (name, connect) => {
  it('audits one outage of that shard, named, and nothing for the shards that kept answering', async () => {
    const { url } = await redisCluster(BASE)
    const seed = await connectNodeRedis(url)
    let connection: AnyConnection | undefined
    const admins: Admin[] = [seed]
    const prefix = uniquePrefix()
    const otel = otelPipeline()
    let stop = false
    try {
      connection = await connect(url)
      const store = new RedisStore({ client: connection.client, prefix })
      const audit: AuditEvent[] = []
      const of = (type: AuditEvent['type']) => audit.filter((e) => e.type === type)
      const manager = createSessionManager({
        policy: { idleTimeout: '15m', absoluteTimeout: '1h' },
        store,
        onStoreError: 'unavailable',
        storeTimeout: 1000,
        audit: (e) => void audit.push(e),
        metrics: { meter: otel.meter },
      })
      const sessions = await Promise.all(
        Array.from({ length: 90 }, (_, i) => manager.create({ subject: `shard-outage-${i}` })),
      )
      const owners = await slotOwners(seed)
      const portOf = (token: string) => ownerOf(owners, keySlot(sessionKeys(prefix, handleOf(token)!).record))
      const victimPort = portOf(sessions[0]!.token)
      const onVictim = sessions.filter((s) => portOf(s.token) === victimPort)
      const elsewhere = sessions.filter((s) => portOf(s.token) !== victimPort)
      expect(onVictim.length).toBeGreaterThan(0)
      expect(new Set(elsewhere.map((s) => portOf(s.token))).size).toBe(2)

      // With Redis's default (`yes`) every master answers CLUSTERDOWN from the moment the dead master is
      // marked failed until its replica takes over: the other shards would fail too (see the README).
      await partialCoverage(owners, connectNodeRedis)
      const victim = await connectNodeRedis(`redis://127.0.0.1:${victimPort}`)
      admins.push(victim)
      await replicated(victim)
      const survivor = owners.find((r) => r.port !== victimPort)!.port
      const watcher = await connectNodeRedis(`redis://127.0.0.1:${survivor}`)
      admins.push(watcher)

      // Every wave checks every session, all through the one manager, in one order (shards mixed).
      const isVictim = sessions.map((s) => portOf(s.token) === victimPort)
      const victimResults: ValidateResult[] = []
      const otherResults: ValidateResult[] = []
      let lastVictimWave: ValidateResult[] = []
      let waves = 0
      const traffic = (async () => {
        while (!stop) {
          const wave = await Promise.all(sessions.map((s) => manager.validate(s.token)))
          const mine = wave.filter((_, i) => isVictim[i])
          victimResults.push(...mine)
          otherResults.push(...wave.filter((_, i) => !isVictim[i]))
          lastVictimWave = mine
          waves++
          // Failures come back at once while the node is down: pace the waves.
          await sleep(25)
        }
      })()

      await sleep(200)
      admins.splice(admins.indexOf(victim), 1)
      // The crash drops the connection without a reply.
      victim.client.sendCommand(['DEBUG', 'SEGFAULT']).catch(() => {})
      const crashedAt = Date.now()

      let promoted = 0
      while (!promoted) {
        if (Date.now() - crashedAt > RECOVERY_LIMIT) throw new Error('no replica was promoted')
        const info = String(await watcher.client.sendCommand(['CLUSTER', 'INFO']))
        const port = ownerOf(
          await slotOwners(watcher),
          keySlot(sessionKeys(prefix, handleOf(onVictim[0]!.token)!).record),
        )
        if (info.includes('cluster_state:ok') && port !== victimPort) promoted = port
        else await sleep(100)
      }
      const sawFailure = () => victimResults.some(failedClosed)
      while (!(sawFailure() && lastVictimWave.length > 0 && lastVictimWave.every((r) => r.ok))) {
        if (Date.now() - crashedAt > RECOVERY_LIMIT) {
          throw new Error(`checks on the failed shard did not recover: ${JSON.stringify(lastVictimWave[0])}`)
        }
        await sleep(100)
      }
      stop = true
      await traffic
      victim.close()

      const unavailable = of('store.unavailable')
      const recovered = of('store.recovered')
      const refused = victimResults.filter(failedClosed).length
      console.log(
        `[${name}] master :${victimPort} (slots ${shardName(owners, victimPort)}) crashed, :${promoted} promoted; ` +
          `${waves} waves of ${sessions.length} checks through one manager: on that shard ${refused} of ` +
          `${victimResults.length} refused 503, on the other two ${otherResults.filter((r) => !r.ok).length} of ` +
          `${otherResults.length} refused; audit: ${unavailable.length} store.unavailable ` +
          `${JSON.stringify(unavailable.map((e) => e.meta?.shard))}, ${recovered.length} store.recovered ` +
          `${JSON.stringify(recovered.map((e) => [e.meta?.shard, e.meta?.node, e.meta?.downtimeMs]))}`,
      )
      expect(refused).toBeGreaterThan(0)
      // On the failed shard: accepted or refused with the typed 503, nothing else.
      expect(victimResults.filter((r) => !r.ok && !failedClosed(r))).toEqual([])
      // The other shards never noticed.
      expect(otherResults.filter((r) => !r.ok)).toEqual([])
      // One outage, of that shard: opened on the crashed master, closed by the promoted replica.
      const shard = shardName(owners, victimPort)
      expect(unavailable).toEqual([
        expect.objectContaining({
          meta: { error: expect.any(String), shard, node: `127.0.0.1:${victimPort}` },
        }),
      ])
      expect(recovered).toEqual([
        expect.objectContaining({
          meta: { downtimeMs: expect.any(Number), shard, node: `127.0.0.1:${promoted}` },
        }),
      ])
      expect(audit.indexOf(recovered[0]!)).toBeGreaterThan(audit.indexOf(unavailable[0]!))
      // Each refused check is one failed store call, counted against that shard.
      expect(await otel.count('curfew.store.errors', { shard })).toBe(refused)
      expect(await otel.count('curfew.store.errors')).toBe(refused)
      expect(of('session.expired')).toEqual([])
      expect(unhandled).toEqual([])
      await deletePrefix(connection.client, prefix)
    } finally {
      stop = true
      await connection?.close()
      for (const admin of admins) admin.close()
      await otel.shutdown()
    }
  }, 120_000)
})
