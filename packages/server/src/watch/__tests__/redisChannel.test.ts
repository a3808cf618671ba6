import { spareRedis } from '@curfew/testing'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createSessionManager } from '../../manager/createSessionManager'
import { clients, deletePrefix, uniquePrefix } from '../../stores/redis/__tests__/helpers'
import { commandSender, type RedisClientLike } from '../../stores/redis/client'
import { RedisStore } from '../../stores/redis/redisStore'
import type { SessionManager } from '../../types'
import type { SessionEnd } from '../types'

const policy = { idleTimeout: '15m', absoluteTimeout: '1h' }
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Resolves once someone subscribes to `channel` (the watch subscribes lazily, in the background). */
async function subscribed(client: RedisClientLike, channel: string): Promise<void> {
  const send = commandSender(client)
  for (;;) {
    const [, count] = (await send(['PUBSUB', 'NUMSUB', channel])) as [string, number]
    if (Number(count) > 0) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

function nextEnd(manager: SessionManager, session: Parameters<SessionManager['watch']>[0]) {
  return new Promise<SessionEnd>((resolve) => manager.watch(session, resolve))
}

describe.each(clients)('session end notices over Redis (%s)', (_name, connect) => {
  it('ends a watch on server B when server A revokes the session, and ignores junk on the channel', async () => {
    const prefix = uniquePrefix()
    const [ca, cb] = [await connect(), await connect()]
    const a = createSessionManager({ policy, store: new RedisStore({ client: ca.client, prefix }) })
    const b = createSessionManager({ policy, store: new RedisStore({ client: cb.client, prefix }) })
    cleanups.push(async () => {
      await a.close()
      await b.close()
      await deletePrefix(ca.client, prefix)
      ca.close()
      cb.close()
    })
    const { token } = await a.create({ subject: 'u1' })
    const result = await b.validate(token, { activity: false })
    if (!result.ok) throw new Error('not valid')
    const ended = nextEnd(b, result.session)
    await subscribed(ca.client, `${prefix}ends`)
    const send = commandSender(ca.client)
    for (const junk of [
      'not json',
      '{"s":1}',
      '{"s":"x y","r":"revoked"}',
      JSON.stringify({ s: 'a', r: 'A!' }),
    ]) {
      await send(['PUBLISH', `${prefix}ends`, junk])
    }
    await a.revoke(token)
    expect(await ended).toEqual({ session: result.session.handle, reason: 'revoked' })
  })
})

describe.each(clients)('a lost channel (%s)', (_name, connect) => {
  let spare: Awaited<ReturnType<typeof spareRedis>> | undefined
  afterAll(async () => {
    await spare?.dispose()
  })

  it('ends every watch whose session a Redis restart lost, once the channel is back', async () => {
    spare = await spareRedis()
    const prefix = uniquePrefix()
    const conn = await connect(spare.url)
    const manager = createSessionManager({ policy, store: new RedisStore({ client: conn.client, prefix }) })
    cleanups.push(async () => {
      await manager.close()
      conn.close()
    })
    const sessions = await Promise.all(
      ['u1', 'u2', 'u3'].map(async (subject) => (await manager.create({ subject })).session),
    )
    const ended = Promise.all(sessions.map((session) => nextEnd(manager, session)))
    await subscribed(conn.client, `${prefix}ends`)
    await spare.stop()
    await spare.start()
    expect((await ended).map((end) => end.reason)).toEqual(['unknown', 'unknown', 'unknown'])
  })

  it('ends a watch whose session was revoked while its subscriber was disconnected', async () => {
    spare ??= await spareRedis()
    const prefix = uniquePrefix()
    const [ca, cb] = [await connect(spare.url), await connect(spare.url)]
    const storeA = new RedisStore({ client: ca.client, prefix })
    // Without its channel, A tells nobody: its revoke can reach B only through B's re-check.
    storeA.endNotices = () => undefined
    const storeB = new RedisStore({ client: cb.client, prefix })
    let reads = 0
    const list = storeB.list.bind(storeB)
    storeB.list = async (input) => {
      const result = await list(input)
      reads++
      return result
    }
    const a = createSessionManager({ policy, store: storeA })
    const b = createSessionManager({ policy, store: storeB })
    cleanups.push(async () => {
      await a.close()
      await b.close()
      ca.close()
      cb.close()
    })
    const { token, session } = await a.create({ subject: 'u1' })
    const survivor = await a.create({ subject: 'u2' })
    let end: SessionEnd | undefined
    const ended = new Promise<SessionEnd>((resolve) =>
      b.watch(session, (e) => {
        end = e
        resolve(e)
      }),
    )
    const survived: SessionEnd[] = []
    b.watch(survivor.session, (e) => survived.push(e))
    await subscribed(ca.client, `${prefix}ends`)
    // The re-check of the first subscription has read the store and found both sessions live.
    while (reads < 2) await new Promise((resolve) => setTimeout(resolve, 10))
    await a.revoke(token)
    const readsBefore = reads
    expect(end).toBeUndefined()
    const send = commandSender(ca.client)
    await send(['CLIENT', 'KILL', 'TYPE', 'pubsub'])
    // "unknown": B re-read the store once subscribed again and found the session gone.
    expect(await ended).toEqual({ session: session.handle, reason: 'unknown' })
    expect(reads).toBeGreaterThan(readsBefore)
    expect(survived).toEqual([])
  })
})
