import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../../audit/events'
import { handleOf } from '../../../crypto/token'
import { createSessionManager } from '../../../manager/createSessionManager'
import type { ValidateResult } from '../../../types'
import { sessionKeys } from '../keys'
import { RedisStore } from '../redisStore'
import { type AnyConnection, clusterClients, redisCluster, stopRedisCluster } from './clients'
import { connectNodeRedis, deletePrefix, keySlot, uniquePrefix } from './helpers'

/**
 * A master of a real 3 + 3 cluster is killed (SIGKILL, no goodbye) while checks run. This file starts
 * its own cluster on ports BASE..BASE+5 (distinct from the shared one on 7101) and removes it at the
 * end. Each client gets a fresh cluster: the script rebuilds it when a node is missing.
 */
const BASE = Number(process.env.CURFEW_FAILOVER_BASE ?? 7121)
/** How long the whole outage may take before the test gives up (a failover takes a few seconds). */
const RECOVERY_LIMIT = 60_000

type Admin = Awaited<ReturnType<typeof connectNodeRedis>>

/** Slot ranges → master port, as a surviving node sees them. */
async function slotOwners(admin: Admin): Promise<Array<{ from: number; to: number; port: number }>> {
  const slots = (await admin.client.sendCommand(['CLUSTER', 'SLOTS'])) as Array<
    [number, number, [string, number, ...unknown[]], ...unknown[]]
  >
  return slots.map(([from, to, [, port]]) => ({ from: Number(from), to: Number(to), port: Number(port) }))
}

function ownerOf(owners: Awaited<ReturnType<typeof slotOwners>>, slot: number): number {
  const range = owners.find((r) => slot >= r.from && slot <= r.to)
  if (!range) throw new Error(`slot ${slot} has no master`)
  return range.port
}

/** Waits until the master's one replica has every write the master took (so a kill loses nothing). */
async function replicated(master: Admin): Promise<void> {
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

const failedClosed = (r: ValidateResult) => !r.ok && r.reason === 'store_unavailable' && r.httpStatus === 503

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
  await stopRedisCluster(BASE)
  await rm(join(process.env.TMPDIR ?? tmpdir(), `curfew-redis-cluster-${BASE}.lock`), { force: true })
}, 60_000)

describe.each(clusterClients)('a master fails over mid-traffic (%s)', (name, connect) => {
  it('fails closed on that shard only, audits the outage once, recovers on the promoted replica and loses no session', async () => {
    const { url } = await redisCluster(BASE)
    const seed = await connectNodeRedis(url)
    let connection: AnyConnection | undefined
    const admins: Admin[] = [seed]
    const prefix = uniquePrefix()
    let stop = false
    try {
      connection = await connect(url)
      const store = new RedisStore({ client: connection.client, prefix })
      const policy = { idleTimeout: '15m', absoluteTimeout: '1h' }
      // Two managers on one store: one checks the sessions on the shard that fails, one the others,
      // so each one's audit shows what its own traffic saw.
      const audited = () => {
        const events: AuditEvent[] = []
        return { events, of: (type: AuditEvent['type']) => events.filter((e) => e.type === type) }
      }
      const onFailing = audited()
      const onOthers = audited()
      const failing = createSessionManager({
        policy,
        store,
        onStoreError: 'unavailable',
        storeTimeout: 1000,
        audit: (e) => void onFailing.events.push(e),
      })
      const others = createSessionManager({
        policy,
        store,
        onStoreError: 'unavailable',
        storeTimeout: 1000,
        audit: (e) => void onOthers.events.push(e),
      })

      const sessions = await Promise.all(
        Array.from({ length: 60 }, (_, i) => failing.create({ subject: `failover-${i}` })),
      )
      const owners = await slotOwners(seed)
      const portOf = (token: string) => ownerOf(owners, keySlot(sessionKeys(prefix, handleOf(token)!).record))
      const victimPort = portOf(sessions[0]!.token)
      const onVictim = sessions.filter((s) => portOf(s.token) === victimPort)
      const elsewhere = sessions.filter((s) => portOf(s.token) !== victimPort)
      expect(onVictim.length).toBeGreaterThan(0)
      expect(new Set(elsewhere.map((s) => portOf(s.token))).size).toBe(2)

      // With Redis's default (`yes`) every master refuses every command (CLUSTERDOWN) from the moment
      // the dead master is marked failed until its replica takes over: the other shards would notice.
      await Promise.all(
        owners.map(async ({ port }) => {
          const node = await connectNodeRedis(`redis://127.0.0.1:${port}`)
          await node.client.sendCommand(['CONFIG', 'SET', 'cluster-require-full-coverage', 'no'])
          node.close()
        }),
      )
      const victim = await connectNodeRedis(`redis://127.0.0.1:${victimPort}`)
      admins.push(victim)
      await replicated(victim)
      const pid = Number(
        /process_id:(\d+)/.exec(String(await victim.client.sendCommand(['INFO', 'server'])))![1],
      )
      const survivor = owners.find((r) => r.port !== victimPort)!.port
      const watcher = await connectNodeRedis(`redis://127.0.0.1:${survivor}`)
      admins.push(watcher)

      const onVictimResults: ValidateResult[] = []
      const elsewhereResults: ValidateResult[] = []
      let lastVictimWave: ValidateResult[] = []
      const traffic = (async () => {
        while (!stop) {
          const [a, b] = await Promise.all([
            Promise.all(onVictim.map((s) => failing.validate(s.token))),
            Promise.all(elsewhere.map((s) => others.validate(s.token))),
          ])
          onVictimResults.push(...a)
          elsewhereResults.push(...b)
          lastVictimWave = a
          // Failures come back at once while the node is down: pace the waves.
          await sleep(25)
        }
      })()

      await sleep(200)
      admins.splice(admins.indexOf(victim), 1)
      victim.close()
      process.kill(pid, 'SIGKILL')
      const killedAt = Date.now()

      // The replica is promoted (the surviving nodes agree on a new master for the victim's slots) …
      let promoted = 0
      while (!promoted) {
        if (Date.now() - killedAt > RECOVERY_LIMIT) throw new Error('no replica was promoted')
        const info = String(await watcher.client.sendCommand(['CLUSTER', 'INFO']))
        const port = ownerOf(
          await slotOwners(watcher),
          keySlot(sessionKeys(prefix, handleOf(onVictim[0]!.token)!).record),
        )
        if (info.includes('cluster_state:ok') && port !== victimPort) promoted = port
        else await sleep(100)
      }
      // … and the application's checks succeed again without a restart.
      const sawFailure = () => onVictimResults.some(failedClosed)
      while (!(sawFailure() && lastVictimWave.length > 0 && lastVictimWave.every((r) => r.ok))) {
        if (Date.now() - killedAt > RECOVERY_LIMIT) {
          throw new Error(
            `checks on the failed shard did not recover: last wave ${JSON.stringify(lastVictimWave.slice(0, 2))}`,
          )
        }
        await sleep(100)
      }
      const recoveredAfter = Date.now() - killedAt
      stop = true
      await traffic

      const refused = onVictimResults.filter(failedClosed).length
      console.log(
        `[${name}] master :${victimPort} killed, replica :${promoted} promoted; checks on that shard ` +
          `recovered after ${recoveredAfter} ms; ${refused} of ${onVictimResults.length} refused 503 there, ` +
          `${elsewhereResults.length} checks on the other shards`,
      )
      // On the failed shard: accepted or refused with the typed 503, nothing else (no 500, no "unknown").
      expect(onVictimResults.filter((r) => !r.ok && !failedClosed(r))).toEqual([])
      expect(refused).toBeGreaterThan(0)
      // The other shards never noticed.
      expect(elsewhereResults.filter((r) => !r.ok)).toEqual([])
      expect(onOthers.of('store.unavailable')).toEqual([])
      // Audited once, then recovered once; nothing expired.
      expect(onFailing.of('store.unavailable')).toHaveLength(1)
      expect(onFailing.of('store.recovered')).toHaveLength(1)
      expect([...onFailing.of('session.expired'), ...onOthers.of('session.expired')]).toEqual([])
      // No session was lost: every one written before the failover is honoured.
      const after = await Promise.all(sessions.map((s) => failing.validate(s.token)))
      expect(after.filter((r) => !r.ok)).toEqual([])
      expect(unhandled).toEqual([])
      await deletePrefix(connection.client, prefix)
    } finally {
      stop = true
      await connection?.close()
      for (const admin of admins) admin.close()
    }
  }, 120_000)
})
