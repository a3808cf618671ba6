import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it, vi } from 'vitest'
import type { AuditEvent } from '../../../audit/events'
import { handleOf } from '../../../crypto/token'
import { createSessionManager } from '../../../manager/createSessionManager'
import type { ValidateResult } from '../../../types'
import { sessionKeys } from '../keys'
import { RedisStore } from '../redisStore'
import { type AnyConnection, clusterClients, redisCluster } from './clients'
import {
  type Admin,
  failoverSuite,
  ownerOf,
  partialCoverage,
  redisTime,
  replicated,
  slotOwners,
} from './failoverHelpers'
import { connectNodeRedis, deletePrefix, keySlot, uniquePrefix } from './helpers'

/**
 * The window Redis's asynchronous replication leaves: a master records (and the manager audits) a
 * session's expiry, then dies before its replica received that write. The promoted replica still holds
 * the live record past its deadline, so the next check expires it again: the expiry is audited twice
 * (the new master's tombstone then answers: no third time), and the session is never accepted (both
 * copies are past the deadline by Redis's clock).
 * `curfew audit verify` reports the second as `session.duplicate_end`. The replica is made to miss the
 * write for certain: it sleeps (`DEBUG SLEEP`) while the master drops its link, and the test checks
 * that it holds no tombstone before letting it take over. Own cluster on BASE..BASE+5.
 */
const BASE = Number(process.env.CURFEW_UNREPLICATED_BASE ?? 7171)
const RECOVERY_LIMIT = 60_000
const IDLE_MS = 2000

const unhandled = failoverSuite(BASE)

describe.each(clusterClients)('an expiry the dead master never replicated (%s)', (name, connect) => {
  it('is audited a second time by the promoted replica, not a third, and the session is never accepted', async () => {
    const { url } = await redisCluster(BASE)
    const seed = await connectNodeRedis(url)
    let connection: AnyConnection | undefined
    const admins: Admin[] = [seed]
    const prefix = uniquePrefix()
    try {
      connection = await connect(url)
      const store = new RedisStore({ client: connection.client, prefix })
      const audit: AuditEvent[] = []
      const manager = createSessionManager({
        policies: {
          short: { idleTimeout: `${IDLE_MS}ms`, absoluteTimeout: '1h' },
          long: { idleTimeout: '15m', absoluteTimeout: '1h' },
        },
        store,
        onStoreError: 'unavailable',
        storeTimeout: 1000,
        audit: (e) => void audit.push(e),
      })
      // Two sessions of one subject (one slot): one expires, one is revoked, both on the doomed master.
      const { token, session } = await manager.create({ subject: 'unreplicated', policy: 'short' })
      const revoked = await manager.create({ subject: 'unreplicated', policy: 'long' })
      const record = sessionKeys(prefix, handleOf(token)!).record
      const owners = await slotOwners(seed)
      const victimPort = ownerOf(owners, keySlot(record))
      await partialCoverage(owners, connectNodeRedis)
      let replicaPort = 0
      while (!replicaPort) {
        const slots = (await seed.client.sendCommand(['CLUSTER', 'SLOTS'])) as Array<
          [number, number, ...Array<[string, number]>]
        >
        const range = slots.find(([from, to]) => keySlot(record) >= from && keySlot(record) <= to)
        replicaPort = Number(range?.[3]?.[1] ?? 0)
        if (!replicaPort) await sleep(100)
      }
      const replica = await connectNodeRedis(`redis://127.0.0.1:${replicaPort}`)
      const victim = await connectNodeRedis(`redis://127.0.0.1:${victimPort}`)
      admins.push(replica, victim)
      // Held back from taking over until the test has seen what it holds.
      await replica.client.sendCommand(['CONFIG', 'SET', 'cluster-replica-no-failover', 'yes'])
      await replica.client.sendCommand(['CONFIG', 'SET', 'cluster-replica-validity-factor', '0'])
      // …and readable while its master is down (the test reads what it holds).
      await replica.client.sendCommand(['CONFIG', 'SET', 'cluster-allow-reads-when-down', 'yes'])
      await replica.client.sendCommand(['CONFIG', 'SET', 'cluster-require-full-coverage', 'no'])
      expect(await manager.validate(token, { activity: false })).toMatchObject({ ok: true })
      await replicated(victim)
      const pid = Number(
        /process_id:(\d+)/.exec(String(await victim.client.sendCommand(['INFO', 'server'])))![1],
      )
      const stored = JSON.parse(String(await victim.client.sendCommand(['GET', record]))) as {
        s: { lastActivityAt: number }
      }
      const deadline = stored.s.lastActivityAt + IDLE_MS
      while ((await redisTime(victim)) <= deadline) await sleep(50)

      // The replica stops hearing its master, which then records the expiry and dies.
      const replicaWakes = replica.client.sendCommand(['DEBUG', 'SLEEP', '3'])
      await victim.client.sendCommand(['CLIENT', 'KILL', 'TYPE', 'replica'])
      const onMaster = await manager.validate(token, { activity: false })
      await manager.revoke(revoked.token)
      const revokedOnMaster = await manager.validate(revoked.token)
      admins.splice(admins.indexOf(victim), 1)
      victim.close()
      process.kill(pid, 'SIGKILL')
      await replicaWakes
      await replica.client.sendCommand(['READONLY'])
      const held = JSON.parse(String(await replica.client.sendCommand(['GET', record]))) as { t?: unknown }
      expect(held.t).toBeUndefined()
      const revokedRecord = sessionKeys(prefix, handleOf(revoked.token)!).record
      const heldRevoked = JSON.parse(String(await replica.client.sendCommand(['GET', revokedRecord]))) as {
        t?: unknown
      }
      expect(heldRevoked.t).toBeUndefined()
      await replica.client.sendCommand(['CONFIG', 'SET', 'cluster-replica-no-failover', 'no'])

      // Checks refused 503 until the promotion, then refused as expired: never accepted.
      const answers: ValidateResult[] = []
      const startedAt = Date.now()
      while (!answers.some((r) => !r.ok && r.reason === 'idle')) {
        if (Date.now() - startedAt > RECOVERY_LIMIT) throw new Error('the replica did not take over')
        answers.push(await manager.validate(token, { activity: false }))
        await sleep(50)
      }
      // A check abandoned at storeTimeout that the client delivered once it found the promoted master
      // may be the one that expired it there: its end is audited when its answer lands.
      await vi.waitFor(() => expect(audit.filter((e) => e.type === 'session.expired')).toHaveLength(2), {
        timeout: 10_000,
      })
      const expired = audit.filter((e) => e.type === 'session.expired')
      const revokedAfter = await manager.validate(revoked.token)
      console.log(
        `[${name}] master :${victimPort} recorded the expiry of ${session.handle} and a revoke of ` +
          `${revoked.session.handle}, and died unreplicated; replica :${replicaPort} promoted; ` +
          `${answers.length} checks of the expired session after (${answers.filter((r) => r.ok).length} accepted), ` +
          `session.expired audited ${expired.length} times; the revoked session after: ${revokedAfter.ok ? 'accepted' : 'refused'}`,
      )
      expect(onMaster).toMatchObject({ ok: false, reason: 'idle', httpStatus: 401 })
      expect(answers.filter((r) => r.ok)).toEqual([])
      expect(answers.filter((r) => !r.ok && r.reason !== 'idle' && r.reason !== 'store_unavailable')).toEqual(
        [],
      )
      expect(expired.map((e) => [e.session, e.reason])).toEqual([
        [session.handle, 'idle'],
        [session.handle, 'idle'],
      ])
      // The revoke died with the master too: the promoted replica never heard of it, and accepts the
      // session again (until it is revoked again or its own deadline passes).
      expect(revokedOnMaster).toMatchObject({ ok: false, reason: 'revoked' })
      expect(revokedAfter).toMatchObject({ ok: true })
      // From then on the promoted master's tombstone answers: no third time.
      expect(await manager.validate(token)).toMatchObject({ ok: false, reason: 'idle' })
      expect(audit.filter((e) => e.type === 'session.expired')).toHaveLength(2)
      expect(unhandled).toEqual([])
      await deletePrefix(connection.client, prefix)
    } finally {
      await connection?.close()
      for (const admin of admins) admin.close()
    }
  }, 120_000)
})

/** The port of the replica of the master that owns `slot` (once the cluster lists one). */
async function replicaPortOf(seed: Admin, slot: number): Promise<number> {
  for (;;) {
    const slots = (await seed.client.sendCommand(['CLUSTER', 'SLOTS'])) as Array<
      [number, number, ...Array<[string, number]>]
    >
    const range = slots.find(([from, to]) => slot >= from && slot <= to)
    const port = Number(range?.[3]?.[1] ?? 0)
    if (port) return port
    await sleep(100)
  }
}

/**
 * The same window closed with `waitForReplicas`: revoke, revokeSubject and forgetSubject return once
 * the key's master has sent `WAIT 1 <timeout>` on the connection that ran the script and the replica
 * confirmed (or the timeout passed: then the shortfall is reported). A replica that sleeps through a
 * revoke makes it report `replicationShortfall` — which also shows `WAIT` went to the key's master:
 * any other master's replica is awake and would have confirmed at once. A revoke that returned, its
 * master crashed at once (`DEBUG SEGFAULT`, no time to replicate anything more), is still a revoke on
 * the promoted replica.
 */
describe.each(clusterClients)('a revoke with waitForReplicas (%s)', (name, connect) => {
  it('is on the replica when it returns and survives a failover; a sleeping replica is reported as a shortfall', async () => {
    const { url } = await redisCluster(BASE)
    const seed = await connectNodeRedis(url)
    let connection: AnyConnection | undefined
    const admins: Admin[] = [seed]
    const prefix = uniquePrefix()
    try {
      connection = await connect(url)
      const store = new RedisStore({
        client: connection.client,
        prefix,
        waitForReplicas: { count: 1, timeout: 100 },
      })
      const audit: AuditEvent[] = []
      const manager = createSessionManager({
        policy: { idleTimeout: '15m', absoluteTimeout: '1h' },
        store,
        onStoreError: 'unavailable',
        storeTimeout: 1000,
        audit: (e) => void audit.push(e),
      })
      // Four sessions of one subject: one slot, one master.
      const [first, asleep, last, live] = await Promise.all(
        Array.from({ length: 4 }, () => manager.create({ subject: 'waited' })),
      )
      const recordOf = (token: string) => sessionKeys(prefix, handleOf(token)!).record
      const slot = keySlot(recordOf(first!.token))
      const owners = await slotOwners(seed)
      const victimPort = ownerOf(owners, slot)
      await partialCoverage(owners, connectNodeRedis)
      const replicaPort = await replicaPortOf(seed, slot)
      const replica = await connectNodeRedis(`redis://127.0.0.1:${replicaPort}`)
      const victim = await connectNodeRedis(`redis://127.0.0.1:${victimPort}`)
      admins.push(replica, victim)
      await replica.client.sendCommand(['READONLY'])
      await replica.client.sendCommand(['CONFIG', 'SET', 'cluster-replica-validity-factor', '0'])
      await replica.client.sendCommand(['CONFIG', 'SET', 'cluster-allow-reads-when-down', 'yes'])
      await replica.client.sendCommand(['CONFIG', 'SET', 'cluster-require-full-coverage', 'no'])
      const heldBy = async (admin: Admin, token: string) =>
        (JSON.parse(String(await admin.client.sendCommand(['GET', recordOf(token)]))) as { t?: unknown })
          .t !== undefined

      // A healthy replica: the revoke returns with the tombstone on it, nothing reported.
      expect(await manager.revoke(first!.token)).toBe(true)
      expect(await heldBy(replica, first!.token)).toBe(true)
      // The replica asleep: the revoke returns after WAIT's timeout, done on the master, reported.
      const wakes = replica.client.sendCommand(['DEBUG', 'SLEEP', '2'])
      const shortfall = await store.revoke({
        handle: asleep!.session.handle,
        reason: 'revoked',
        tombstoneTtl: 60_000,
      })
      await wakes
      expect(shortfall.ended?.handle).toBe(asleep!.session.handle)
      expect(shortfall.replicationShortfall).toEqual({ replicas: 0, wanted: 1 })
      await replicated(victim)

      // Revoked, then the master crashes at once: the revoke is already on the replica.
      expect(await manager.revoke(last!.token)).toBe(true)
      expect(await heldBy(replica, last!.token)).toBe(true)
      admins.splice(admins.indexOf(victim), 1)
      await victim.client.sendCommand(['DEBUG', 'SEGFAULT']).catch(() => {})
      victim.close()

      // Refused 503 until the promotion, then refused as revoked: never accepted.
      const answers: ValidateResult[] = []
      const startedAt = Date.now()
      while (!answers.some((r) => !r.ok && r.reason === 'revoked')) {
        if (Date.now() - startedAt > RECOVERY_LIMIT) throw new Error('the replica did not take over')
        answers.push(await manager.validate(last!.token))
        await sleep(50)
      }
      const liveAfter = await manager.validate(live!.token)
      const firstAfter = await manager.validate(first!.token)
      const asleepAfter = await manager.validate(asleep!.token)
      console.log(
        `[${name}] revoke on :${victimPort} with the replica :${replicaPort} asleep: ${JSON.stringify(shortfall.replicationShortfall)}; ` +
          `master crashed right after a revoke; ${answers.length} checks of that session until the promotion answered ` +
          `(${answers.filter((r) => r.ok).length} accepted), then ${answers.at(-1)?.ok ? 'accepted' : 'refused'}`,
      )
      expect(answers.filter((r) => r.ok)).toEqual([])
      expect(
        answers.filter((r) => !r.ok && r.reason !== 'revoked' && r.reason !== 'store_unavailable'),
      ).toEqual([])
      expect(firstAfter).toMatchObject({ ok: false, reason: 'revoked' })
      expect(asleepAfter).toMatchObject({ ok: false, reason: 'revoked' })
      expect(liveAfter).toMatchObject({ ok: true })
      // Only the revokes the manager ran are audited, without a shortfall (the replica confirmed both).
      const revoked = audit.filter((e) => e.type === 'session.revoked')
      expect(revoked.map((e) => [e.session, e.meta])).toEqual([
        [first!.session.handle, undefined],
        [last!.session.handle, undefined],
      ])
      expect(unhandled).toEqual([])
      await deletePrefix(connection.client, prefix)
    } finally {
      await connection?.close()
      for (const admin of admins) admin.close()
    }
  }, 120_000)
})
