import { describe, expect, it, vi } from 'vitest'
import { commandSender, isNoScript, type RedisClientLike } from '../client'
import { RedisStore } from '../redisStore'
import { connectNodeRedis, deletePrefix, uniquePrefix } from './helpers'

const limits = {
  idleTimeout: 60_000,
  absoluteTimeout: 120_000,
  touchInterval: 0,
  renewEvery: 0,
  renewGrace: 0,
}

describe('RedisStore clients', () => {
  it('works through a one-function adapter { send(args) }', async () => {
    const { client, close } = await connectNodeRedis()
    const sent: string[] = []
    const adapter: RedisClientLike = {
      send: (args) => {
        sent.push(args[0]!)
        return client.sendCommand([...args])
      },
    }
    const prefix = uniquePrefix()
    try {
      const store = new RedisStore({ client: adapter, prefix })
      const now = await store.time()
      const session = {
        handle: 's_adapteradapter12',
        subject: 'u1',
        policy: 'default',
        fingerprint: 'f',
        authTime: now,
        createdAt: now,
        lastActivityAt: now,
        renewedAt: now,
      }
      await store.create({ id: `${session.handle}.id1`, session, limits, tombstoneTtl: 1000, now })
      const result = await store.check({
        id: `${session.handle}.id1`,
        activity: false,
        policies: { default: limits },
        tombstoneTtl: 1000,
      })
      expect(result).toMatchObject({ outcome: 'active', session })
      // The check writes nothing and this store saw the session created: one plain GET.
      expect(sent).toEqual(['TIME', 'EVALSHA', 'GET'])
    } finally {
      await deletePrefix(client, prefix)
      close()
    }
  })

  it('passes errors other than NOSCRIPT through without retrying', async () => {
    const sent: string[] = []
    const store = new RedisStore({
      client: {
        send: async (args) => {
          sent.push(args[0]!)
          throw new Error('LOADING Redis is loading the dataset in memory')
        },
      },
    })
    await expect(
      store.check({ id: 's_xxxxxxxxxxxxxxxx.y', activity: true, policies: {}, tombstoneTtl: 0 }),
    ).rejects.toThrow(/LOADING/)
    expect(sent).toEqual(['EVALSHA'])
  })

  it('refuses anything that is not a known client shape with a CurfewError', () => {
    expect(() => new RedisStore({ client: {} as RedisClientLike })).toThrow(
      expect.objectContaining({ code: 'invalid_option' }),
    )
    expect(() => new RedisStore(undefined as never)).toThrow(
      expect.objectContaining({ code: 'invalid_option' }),
    )
    expect(() => commandSender({ sendCommand: async () => 1 } as never)).toThrow(/node-redis/)
  })

  it('recognises NOSCRIPT by its error code only', () => {
    expect(isNoScript(new Error('NOSCRIPT No matching script. Please use EVAL.'))).toBe(true)
    expect(isNoScript(new Error('ERR something NOSCRIPT'))).toBe(false)
    expect(isNoScript('NOSCRIPT')).toBe(false)
  })
})

describe('node-redis cluster after a failover', () => {
  function fakeCluster(error: Error) {
    const rediscovered: unknown[] = []
    const dead = { isReady: false }
    const alive = { isReady: true }
    const cluster = {
      masters: [{ client: dead }, { client: alive }],
      nodeClient: () => alive,
      sendCommand: async () => {
        throw error
      },
      _slots: {
        rediscover: async (from: unknown) => {
          rediscovered.push(from)
        },
      },
    }
    return { cluster: cluster as unknown as RedisClientLike, rediscovered, alive }
  }

  it('asks node-redis to re-read the slot map from a master that answers when a command fails, at most every 250 ms', async () => {
    const { cluster, rediscovered, alive } = fakeCluster(new Error('The client is closed'))
    vi.useFakeTimers({ toFake: ['Date'], now: 1_000_000 })
    try {
      const send = commandSender(cluster)
      await expect(send(['GET', 'k'], 'k')).rejects.toThrow('The client is closed')
      vi.setSystemTime(1_000_249)
      await expect(send(['GET', 'k'], 'k')).rejects.toThrow('The client is closed')
      expect(rediscovered).toEqual([alive])
      vi.setSystemTime(1_000_250)
      await expect(send(['GET', 'k'], 'k')).rejects.toThrow('The client is closed')
      expect(rediscovered).toEqual([alive, alive])
    } finally {
      vi.useRealTimers()
    }
  })

  it('leaves the slot map alone on NOSCRIPT (the store answers it with EVAL)', async () => {
    const { cluster, rediscovered } = fakeCluster(new Error('NOSCRIPT No matching script'))
    await expect(commandSender(cluster)(['EVALSHA', 'x', '1', 'k'], 'k')).rejects.toThrow('NOSCRIPT')
    expect(rediscovered).toEqual([])
  })
})
