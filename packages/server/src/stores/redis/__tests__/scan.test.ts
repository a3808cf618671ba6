import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StoredSession } from '../../types'
import { RedisStore } from '../redisStore'
import { clients, deletePrefix, keysUnder, uniquePrefix } from './helpers'

const T = Date.UTC(2026, 5, 1)
const limits = {
  idleTimeout: 900_000,
  absoluteTimeout: 3_600_000,
  touchInterval: 0,
  renewEvery: 0,
  renewGrace: 0,
}

describe.each(clients)('RedisStore.scan (%s)', (_name, connect) => {
  let connection: Awaited<ReturnType<typeof connect>>
  // Glob characters in the prefix must match literally.
  const prefix = `${uniquePrefix()}[a]*?:`
  const sibling = prefix.replace('[a]*?', 'xa-zz')
  beforeAll(async () => {
    connection = await connect()
  })
  afterAll(async () => {
    const literal = prefix.replace(/[*?[\]]/g, '\\$&')
    await deletePrefix(connection.client, literal)
    await deletePrefix(connection.client, sibling)
    expect(await keysUnder(connection.client, literal)).toEqual([])
    connection.close()
  })

  async function fill(store: RedisStore, count: number, tag: string) {
    const handles: string[] = []
    for (let i = 0; i < count; i++) {
      const handle = `s_${tag}${String(i).padStart(16 - tag.length, '0')}`
      const session: StoredSession = {
        handle,
        subject: `u${i % 3}`,
        policy: 'default',
        fingerprint: i % 2 ? 'old' : 'new',
        authTime: T,
        createdAt: T,
        lastActivityAt: T,
        renewedAt: T,
      }
      await store.create({ id: `${handle}.id`, session, limits, tombstoneTtl: 60_000, now: T })
      handles.push(handle)
    }
    return handles
  }

  it('streams every live record of its prefix once, skipping tombstones and other prefixes', async () => {
    const store = new RedisStore({ client: connection.client, prefix })
    const handles = await fill(store, 15, 'scan')
    await fill(new RedisStore({ client: connection.client, prefix: sibling }), 4, 'other')
    for (const handle of handles.slice(0, 3)) {
      await store.revoke({ handle, reason: 'revoked', tombstoneTtl: 60_000, now: T })
    }
    const seen: StoredSession[] = []
    for await (const session of store.scan({ count: 4 })) seen.push(session)
    expect(seen.map((s) => s.handle).sort()).toEqual(handles.slice(3).sort())
    expect(seen.filter((s) => s.fingerprint === 'old')).toHaveLength(6)
  })

  it('can be stopped early without reading the rest', async () => {
    const store = new RedisStore({ client: connection.client, prefix })
    let taken = 0
    for await (const _ of store.scan({ count: 2 })) {
      if (++taken === 2) break
    }
    expect(taken).toBe(2)
  })
})
