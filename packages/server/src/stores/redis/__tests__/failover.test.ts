import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
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
 * A master of a real 3 + 3 cluster is killed (SIGKILL, no goodbye) while checks run. This file starts
 * its own cluster on ports BASE..BASE+5 (distinct from the shared one on 7101) and removes it at the
 * end. Each client gets a fresh cluster: the script rebuilds it when a node is missing.
 */
const BASE = Number(process.env.CURFEW_FAILOVER_BASE ?? 7121)
/** How long the whole outage may take before the test gives up (a failover takes a few seconds). */
const RECOVERY_LIMIT = 60_000

const failedClosed = (r: ValidateResult) => !r.ok && r.reason === 'store_unavailable' && r.httpStatus === 503

const unhandled = failoverSuite(BASE)

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
      await partialCoverage(owners, connectNodeRedis)
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

  it('refuses every session whose deadline passed during the outage, on the promoted replica, and never accepts one', async () => {
    const { url } = await redisCluster(BASE)
    const seed = await connectNodeRedis(url)
    let connection: AnyConnection | undefined
    const admins: Admin[] = [seed]
    const prefix = uniquePrefix()
    let stop = false
    try {
      connection = await connect(url)
      const store = new RedisStore({ client: connection.client, prefix })
      // One manager checks the shard that fails, one the others, so each one's audit shows what its own
      // traffic saw (one manager's trail across all shards: shardOutage.test.ts).
      const managed = () => {
        const audit: AuditEvent[] = []
        const manager = createSessionManager({
          policies: {
            control: { idleTimeout: '15m', absoluteTimeout: '1h' },
            short: { idleTimeout: '4s', absoluteTimeout: '1h' },
          },
          store,
          onStoreError: 'unavailable',
          storeTimeout: 1000,
          audit: (e) => void audit.push(e),
        })
        return { audit, manager }
      }
      const { audit, manager } = managed()
      const { audit: otherAudit, manager: otherManager } = managed()
      const owners = await slotOwners(seed)
      const recordKey = (token: string) => sessionKeys(prefix, handleOf(token)!).record
      const portOf = (token: string) => ownerOf(owners, keySlot(recordKey(token)))

      // Short sessions, three ways to reach a deadline inside the outage: idle with no activity since
      // creation (passive checks), idle after activity up to the kill (the replica holds the last
      // replicated touch), and the absolute deadline (a `notAfter` cap); plus control sessions.
      const controls = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          manager.create({ subject: `expiry-control-${i}`, policy: 'control' }),
        ),
      )
      const victimPort = portOf(controls[0]!.token)
      const capAt = (await store.time()) + 3500
      const groups = {
        passive: { activity: false, reason: 'idle' },
        active: { activity: true, reason: 'idle' },
        capped: { activity: true, reason: 'absolute' },
      } as const
      type Group = keyof typeof groups
      const shorts: Array<{ token: string; handle: string; group: Group }> = []
      for (const group of Object.keys(groups) as Group[]) {
        const created = await Promise.all(
          Array.from({ length: 24 }, (_, i) =>
            manager.create({
              subject: `expiry-${group}-${i}`,
              policy: 'short',
              ...(group === 'capped' ? { notAfter: capAt } : {}),
            }),
          ),
        )
        for (const s of created) {
          if (portOf(s.token) === victimPort) shorts.push({ token: s.token, handle: s.session.handle, group })
        }
      }
      const victimControls = controls.filter((s) => portOf(s.token) === victimPort)
      const otherControls = controls.filter((s) => portOf(s.token) !== victimPort)
      for (const group of Object.keys(groups))
        expect(shorts.filter((s) => s.group === group).length).toBeGreaterThan(0)
      expect(victimControls.length).toBeGreaterThan(0)
      expect(otherControls.length).toBeGreaterThan(0)

      await partialCoverage(owners, connectNodeRedis)
      // The victim's replica is held back from taking over until every short deadline has passed by
      // Redis's clock, so each of them falls inside the outage whatever the machine's speed.
      const victimSlot = keySlot(recordKey(controls[0]!.token))
      let replicaPort = 0
      while (!replicaPort) {
        const slots = (await seed.client.sendCommand(['CLUSTER', 'SLOTS'])) as Array<
          [number, number, ...Array<[string, number]>]
        >
        const range = slots.find(([from, to]) => victimSlot >= from && victimSlot <= to)
        replicaPort = Number(range?.[3]?.[1] ?? 0)
        if (!replicaPort) await sleep(100)
      }
      const replica = await connectNodeRedis(`redis://127.0.0.1:${replicaPort}`)
      admins.push(replica)
      await replica.client.sendCommand(['CONFIG', 'SET', 'cluster-replica-no-failover', 'yes'])
      await replica.client.sendCommand(['CONFIG', 'SET', 'cluster-replica-validity-factor', '0'])
      const victim = await connectNodeRedis(`redis://127.0.0.1:${victimPort}`)
      admins.push(victim)
      await replicated(victim)
      const pid = Number(
        /process_id:(\d+)/.exec(String(await victim.client.sendCommand(['INFO', 'server'])))![1],
      )
      const survivor = owners.find((r) => r.port !== victimPort)!.port
      const watcher = await connectNodeRedis(`redis://127.0.0.1:${survivor}`)
      admins.push(watcher)

      // Every answer, with Redis's time (a surviving master; one host, one clock) read before its wave
      // was sent: an answer was judged no earlier than that.
      type Answer = { at: number; result: ValidateResult }
      const shortAnswers = new Map<string, Answer[]>(shorts.map((s) => [s.token, []]))
      const controlAnswers: ValidateResult[] = []
      const otherAnswers: ValidateResult[] = []
      let lastWave: { shorts: ValidateResult[]; controls: ValidateResult[] } = { shorts: [], controls: [] }
      const traffic = (async () => {
        while (!stop) {
          const at = await redisTime(watcher)
          const [a, b, c] = await Promise.all([
            Promise.all(shorts.map((s) => manager.validate(s.token, { activity: groups[s.group].activity }))),
            Promise.all(victimControls.map((s) => manager.validate(s.token))),
            Promise.all(otherControls.map((s) => otherManager.validate(s.token))),
          ])
          for (const [i, result] of a.entries()) shortAnswers.get(shorts[i]!.token)!.push({ at, result })
          controlAnswers.push(...b)
          otherAnswers.push(...c)
          lastWave = { shorts: a, controls: b }
          await sleep(25)
        }
      })()

      await sleep(300)
      admins.splice(admins.indexOf(victim), 1)
      victim.close()
      process.kill(pid, 'SIGKILL')
      const killedAt = await redisTime(watcher)

      // Each short session's deadline as the replica holds it (nothing can change it until promotion).
      await replica.client.sendCommand(['READONLY'])
      const deadline = new Map<string, number>()
      for (const s of shorts) {
        const raw = (await replica.client.sendCommand(['GET', recordKey(s.token)])) as string
        const { s: session } = JSON.parse(raw) as {
          s: { lastActivityAt: number; authTime: number; notAfter?: number }
        }
        deadline.set(
          s.token,
          Math.min(session.lastActivityAt + 4000, session.authTime + 3_600_000, session.notAfter ?? Infinity),
        )
      }
      const lastDeadline = Math.max(...deadline.values())
      // Every deadline falls inside the outage.
      expect(shorts.filter((s) => deadline.get(s.token)! <= killedAt)).toEqual([])
      while ((await redisTime(watcher)) <= lastDeadline) {
        if ((await redisTime(watcher)) - killedAt > RECOVERY_LIMIT) throw new Error('Redis TIME stalled')
        await sleep(50)
      }
      await replica.client.sendCommand(['CONFIG', 'SET', 'cluster-replica-no-failover', 'no'])
      const releasedAt = await redisTime(watcher)

      let promotedAt = 0
      while (!promotedAt) {
        if ((await redisTime(watcher)) - killedAt > RECOVERY_LIMIT) throw new Error('no replica was promoted')
        const info = String(await watcher.client.sendCommand(['CLUSTER', 'INFO']))
        const port = ownerOf(await slotOwners(watcher), keySlot(recordKey(controls[0]!.token)))
        if (info.includes('cluster_state:ok') && port === replicaPort) promotedAt = await redisTime(watcher)
        else await sleep(100)
      }
      const expiredAnswer = (r: ValidateResult, reason: string) =>
        !r.ok && r.httpStatus === 401 && r.body.error === 'session_expired' && r.reason === reason
      const recovered = () =>
        lastWave.controls.length > 0 &&
        lastWave.controls.every((r) => r.ok) &&
        lastWave.shorts.every((r, i) => expiredAnswer(r, groups[shorts[i]!.group].reason))
      while (!recovered()) {
        if ((await redisTime(watcher)) - killedAt > RECOVERY_LIMIT) {
          throw new Error(`checks did not recover: ${JSON.stringify(lastWave.shorts.slice(0, 2))}`)
        }
        await sleep(100)
      }
      const recoveredAt = await redisTime(watcher)
      stop = true
      await traffic

      const answers = [...shortAnswers.values()].flat()
      console.log(
        `[${name}] ${shorts.length} short + ${controls.length} control sessions (${victimControls.length} on :${victimPort}); ` +
          `${answers.length + controlAnswers.length + otherAnswers.length} answers recorded (${answers.length} for short sessions); ` +
          `killed → promoted ${promotedAt - killedAt} ms (held until ${releasedAt - killedAt} ms, the last deadline ` +
          `${lastDeadline - killedAt} ms), recovered ${recoveredAt - killedAt} ms by Redis TIME`,
      )
      for (const s of shorts) {
        const mine = shortAnswers.get(s.token)!
        const reason = groups[s.group].reason
        // Never accepted at or after its deadline by Redis's clock, nor after the deadline it stated.
        expect(mine.filter((a) => a.result.ok && a.at >= deadline.get(s.token)!)).toEqual([])
        expect(mine.filter((a) => a.result.ok && a.at >= a.result.status.expiresAt)).toEqual([])
        // Accepted, refused 503 while the shard was down, or expired with its reason — nothing else,
        // and once refused as expired never accepted again.
        expect(
          mine.filter((a) => !a.result.ok && !failedClosed(a.result) && !expiredAnswer(a.result, reason)),
        ).toEqual([])
        const firstExpired = mine.findIndex((a) => expiredAnswer(a.result, reason))
        expect(firstExpired).toBeGreaterThan(-1)
        expect(mine.slice(firstExpired).filter((a) => !expiredAnswer(a.result, reason))).toEqual([])
        // Refused by the promoted replica: not before the deadline, and the outage saw it first.
        expect(mine[firstExpired]!.at).toBeGreaterThanOrEqual(killedAt)
        expect(mine.some((a) => failedClosed(a.result))).toBe(true)
      }
      // Controls: accepted or refused 503 on the failed shard, never expired; the other shards never noticed.
      expect(controlAnswers.filter((r) => !r.ok && !failedClosed(r))).toEqual([])
      expect(otherAnswers.filter((r) => !r.ok)).toEqual([])
      expect(otherAudit.filter((e) => e.type !== 'session.created')).toEqual([])
      const afterwards = await Promise.all(controls.map((s) => manager.validate(s.token)))
      expect(afterwards.filter((r) => !r.ok)).toEqual([])
      const again = await Promise.all(
        shorts.map((s) => manager.validate(s.token, { activity: groups[s.group].activity })),
      )
      expect(again.filter((r, i) => !expiredAnswer(r, groups[shorts[i]!.group].reason))).toEqual([])
      // Each expiry audited exactly once, with its reason; the outage once, the recovery once.
      const expired = audit.filter((e) => e.type === 'session.expired')
      expect(expired.map((e) => `${e.session} ${e.reason}`).sort()).toEqual(
        shorts.map((s) => `${s.handle} ${groups[s.group].reason}`).sort(),
      )
      expect(audit.filter((e) => e.type === 'store.unavailable')).toHaveLength(1)
      expect(audit.filter((e) => e.type === 'store.recovered')).toHaveLength(1)
      expect(unhandled).toEqual([])
      await deletePrefix(connection.client, prefix)
    } finally {
      stop = true
      await connection?.close()
      for (const admin of admins) admin.close()
    }
  }, 120_000)
})
