import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AnyConnection,
  clusterClients,
  redisCluster,
  stopRedisCluster,
} from '../../stores/redis/__tests__/clients'
import { RedisOidcSessionLinks } from '../redisLinks'
import { RedisReplayStore } from '../replayStore'

// A cluster of its own (3 masters + 3 replicas), on ports no other suite uses; removed afterwards.
const BASE = 7151
let seed: string
beforeAll(async () => {
  seed = (await redisCluster(BASE)).url
}, 120_000)
afterAll(async () => {
  await stopRedisCluster(BASE)
}, 60_000)

describe.each(clusterClients)('OIDC links and replay store on a Redis Cluster (%s)', (_name, connect) => {
  let connection: AnyConnection
  beforeAll(async () => {
    connection = await connect(seed)
  }, 30_000)
  afterAll(async () => {
    await connection?.close()
  })

  it('routes every command to its key’s slot: links, indexes, atomic update, remove, replay', async () => {
    const prefix = `curfew-test:${Math.random().toString(36).slice(2)}:`
    const links = new RedisOidcSessionLinks({ client: connection.client, prefix })
    const iss = 'https://idp.example/'
    // Handles of many slots, and the indexes under digests of their own.
    const handles = Array.from({ length: 12 }, (_, i) => `s_${i}x${Math.random().toString(36).slice(2, 8)}`)
    for (const handle of handles) {
      await links.put({ handle, iss, sub: 'user-1', sid: 'sid-1', sealedTokens: 'sealed-0' }, 60_000)
    }
    expect((await links.handles({ iss, sid: 'sid-1' })).sort()).toEqual([...handles].sort())
    await Promise.all(handles.map((handle, i) => links.update(handle, { checkedAt: 1_796_000_000_000 + i })))
    for (const [i, handle] of handles.entries()) {
      expect(await links.get(handle)).toMatchObject({
        handle,
        sealedTokens: 'sealed-0',
        checkedAt: 1_796_000_000_000 + i,
      })
    }
    for (const handle of handles) await links.remove(handle)
    expect(await links.handles({ iss, sub: 'user-1' })).toEqual([])

    const replay = new RedisReplayStore({ client: connection.client, prefix })
    const values = Array.from({ length: 12 }, (_, i) => `jti-${i}`)
    expect(await Promise.all(values.map((value) => replay.claim(value, 60_000)))).toEqual(
      values.map(() => true),
    )
    expect(await Promise.all(values.map((value) => replay.claim(value, 60_000)))).toEqual(
      values.map(() => false),
    )
  })
})
