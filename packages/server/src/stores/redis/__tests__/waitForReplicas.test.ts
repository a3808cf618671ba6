import { setTimeout as sleep } from 'node:timers/promises'
import { spareRedis } from '@curfew/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../../audit/events'
import { handleOf } from '../../../crypto/token'
import { createSessionManager } from '../../../manager/createSessionManager'
import { commandSender } from '../client'
import { sessionKeys } from '../keys'
import { RedisStore } from '../redisStore'
import { singleNodeClients } from './clients'
import { connectNodeRedis, uniquePrefix } from './helpers'
import { monitor } from './monitor'

/**
 * `waitForReplicas` on one node with one replica (two private redis-servers): off, the store never
 * sends `WAIT`; on, `revoke` / `revokeSubject` / `forgetSubject` send `WAIT <count> <timeout>` right
 * after their script on the same connection (MONITOR shows the sender's address), and a replica that
 * does not answer in time is reported (`replicationShortfall`, audit `meta.replicas`) without failing
 * the call. Checks never wait.
 */
const policy = { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: 0 }

let primary: Awaited<ReturnType<typeof spareRedis>>
let secondary: Awaited<ReturnType<typeof spareRedis>>
let admin: Awaited<ReturnType<typeof connectNodeRedis>>
let replica: Awaited<ReturnType<typeof connectNodeRedis>>
let watch: Awaited<ReturnType<typeof monitor>>

async function waitCalls(): Promise<number> {
  const info = String(await admin.client.sendCommand(['INFO', 'commandstats']))
  return Number(/^cmdstat_wait:calls=(\d+)/m.exec(info)?.[1] ?? 0)
}

beforeAll(async () => {
  primary = await spareRedis()
  secondary = await spareRedis()
  admin = await connectNodeRedis(primary.url)
  replica = await connectNodeRedis(secondary.url)
  await replica.client.sendCommand(['REPLICAOF', '127.0.0.1', String(primary.port)])
  for (;;) {
    const info = String(await replica.client.sendCommand(['INFO', 'replication']))
    if (info.includes('master_link_status:up')) break
    await sleep(50)
  }
  watch = await monitor(primary.port)
}, 30_000)
afterAll(async () => {
  watch?.close()
  admin?.close()
  replica?.close()
  await secondary?.stop()
  await primary?.stop()
})

describe.each(singleNodeClients)('RedisStore waitForReplicas (%s)', (_name, connect) => {
  let connection: Awaited<ReturnType<typeof connect>>
  let address = ''
  beforeAll(async () => {
    connection = await connect(primary.url)
    // The address of the store's connection, as MONITOR shows it.
    const info = String(await commandSender(connection.client)(['CLIENT', 'INFO']))
    address = /addr=(\S+)/.exec(info)![1]!
  })
  afterAll(() => connection.close())
  const send = (args: string[]) => admin.client.sendCommand(args)

  function managerOf(store: RedisStore, audit: AuditEvent[] = []) {
    return createSessionManager({ policy, store, audit: (e) => void audit.push(e) })
  }

  it('off (the default): sends no WAIT, on revoke, revokeSubject, forgetSubject or checks', async () => {
    const manager = managerOf(new RedisStore({ client: connection.client, prefix: uniquePrefix() }))
    const a = await manager.create({ subject: 'off-a' })
    await manager.create({ subject: 'off-b' })
    await manager.create({ subject: 'off-b' })
    const before = await waitCalls()
    await watch.flush(send)
    watch.reset()
    expect(await manager.validate(a.token)).toMatchObject({ ok: true })
    expect(await manager.revoke(a.token)).toBe(true)
    expect(await manager.validate(a.token)).toMatchObject({ ok: false, reason: 'revoked' })
    expect(await manager.revokeSubject('off-b')).toBe(2)
    expect(await manager.forgetSubject('off-b')).toBe(2)
    await watch.flush(send)
    expect(watch.commands).not.toContain('WAIT')
    expect(watch.sent.filter((c) => c.from === address).length).toBeGreaterThan(0)
    expect(await waitCalls()).toBe(before)
  })

  it('on, replica healthy: WAIT follows each revoke script on its connection, the replica holds the end, checks never wait', async () => {
    const prefix = uniquePrefix()
    const audit: AuditEvent[] = []
    const store = new RedisStore({
      client: connection.client,
      prefix,
      waitForReplicas: { count: 1, timeout: 5000 },
    })
    const manager = managerOf(store, audit)
    const a = await manager.create({ subject: 'on-a' })
    await manager.create({ subject: 'on-b' })
    await manager.create({ subject: 'on-b' })
    await watch.flush(send)
    watch.reset()
    for (let i = 0; i < 5; i++) expect(await manager.validate(a.token)).toMatchObject({ ok: true })
    await watch.flush(send)
    expect(watch.commands).not.toContain('WAIT')
    watch.reset()

    expect(await manager.revoke(a.token)).toBe(true)
    // Read at once from the replica: WAIT returned, so it has the tombstone.
    const record = sessionKeys(prefix, handleOf(a.token)!).record
    const held = JSON.parse(String(await replica.client.sendCommand(['GET', record]))) as { t?: unknown }
    expect(held.t).toBeDefined()
    expect(await manager.revokeSubject('on-b')).toBe(2)
    expect(await manager.forgetSubject('on-b')).toBe(2)
    await watch.flush(send)
    // (The manager's end notices, PUBLISH, go out on the same connection whenever they do.)
    const mine = watch.sent.filter((c) => c.from === address && c.command !== 'PUBLISH').map((c) => c.command)
    // revoke; revokeSubject (ZRANGE, script); forgetSubject's revokeSubject, then its own ZRANGE, SCAN, script.
    expect(mine).toEqual([
      'EVALSHA',
      'WAIT',
      'ZRANGE',
      'EVALSHA',
      'WAIT',
      'ZRANGE',
      'EVALSHA',
      'WAIT',
      'ZRANGE',
      'SCAN',
      'EVALSHA',
      'WAIT',
    ])
    const revoked = audit.filter((e) => e.type === 'session.revoked')
    expect(revoked).toHaveLength(3)
    for (const event of audit) expect(event.meta?.replicas).toBeUndefined()
  })

  it('on, replica asleep: the revoke returns after the WAIT timeout, and the shortfall is reported', async () => {
    const prefix = uniquePrefix()
    const audit: AuditEvent[] = []
    const store = new RedisStore({
      client: connection.client,
      prefix,
      waitForReplicas: { count: 1, timeout: 50 },
    })
    const manager = managerOf(store, audit)
    const a = await manager.create({ subject: 'asleep-a' })
    const b = await manager.create({ subject: 'asleep-b' })
    await manager.create({ subject: 'asleep-b' })
    const asleep = replica.client.sendCommand(['DEBUG', 'SLEEP', '1'])
    try {
      const result = await store.revoke({ handle: a.session.handle, reason: 'revoked', tombstoneTtl: 60_000 })
      expect(result.ended?.handle).toBe(a.session.handle)
      expect(result.replicationShortfall).toEqual({ replicas: 0, wanted: 1 })
      expect(await manager.revokeSubject('asleep-b')).toBe(2)
    } finally {
      await asleep
    }
    expect(await manager.validate(a.token)).toMatchObject({ ok: false, reason: 'revoked' })
    expect(await manager.validate(b.token)).toMatchObject({ ok: false, reason: 'revoked' })
    const revoked = audit.filter((e) => e.type === 'session.revoked')
    expect(revoked.map((e) => e.meta)).toEqual([
      { replicas: 0, replicasWanted: 1 },
      { replicas: 0, replicasWanted: 1 },
    ])
  })
})

describe('RedisStore waitForReplicas options', () => {
  it('refuses a count or timeout that is not a whole number ≥ 1 (WAIT with timeout 0 blocks forever)', () => {
    const client = { send: async () => null }
    for (const waitForReplicas of [
      { count: 0, timeout: 100 },
      { count: 1, timeout: 0 },
      { count: 1.5, timeout: 100 },
      { count: 1, timeout: Number.NaN },
      null,
    ]) {
      expect(() => new RedisStore({ client, waitForReplicas: waitForReplicas as never })).toThrow(
        /waitForReplicas/,
      )
    }
    expect(() => new RedisStore({ client, waitForReplicas: { count: 2, timeout: 1 } })).not.toThrow()
  })
})
