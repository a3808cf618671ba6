import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateHandle, generateToken, hashToken } from '../../../crypto/token'
import { createSessionManager } from '../../../manager/createSessionManager'
import type { StoredSession } from '../../types'
import { RedisStore } from '../redisStore'
import { clients, deletePrefix, uniquePrefix } from './helpers'

const MINUTE = 60_000
const policy = { idleTimeout: '15m', absoluteTimeout: '1h' }

describe.each(clients)('one clock for the fleet: Redis TIME (%s)', (_name, connect) => {
  let connection: Awaited<ReturnType<typeof connect>>
  const prefix = uniquePrefix()
  beforeAll(async () => {
    connection = await connect()
  })
  afterAll(async () => {
    await deletePrefix(connection.client, prefix)
    connection.close()
  })

  // Two app servers whose own clocks are 7 minutes fast and 7 minutes slow; neither is asked.
  function skewedPair() {
    const store = new RedisStore({ client: connection.client, prefix })
    const ahead = createSessionManager({ policy, store, now: () => Date.now() + 7 * MINUTE })
    const behind = createSessionManager({ policy, store, now: () => Date.now() - 7 * MINUTE })
    return { store, ahead, behind }
  }

  it('stamps deadlines with Redis time, whichever server creates the session', async () => {
    const { store, ahead, behind } = skewedPair()
    const before = await store.time()
    const a = await ahead.create({ subject: 'u1' })
    const b = await behind.create({ subject: 'u1' })
    const after = await store.time()
    for (const { status } of [a, b]) {
      expect(status.serverTime).toBeGreaterThanOrEqual(before)
      expect(status.serverTime).toBeLessThanOrEqual(after)
      expect(status.expiresAt).toBe(status.serverTime + 15 * MINUTE)
    }
    // Each server's now() follows Redis's clock once it has heard from it.
    expect(ahead.now()).toBeLessThan(Date.now() + MINUTE)
    expect(behind.now()).toBeGreaterThan(Date.now() - MINUTE)
  })

  it('makes servers with clocks 14 minutes apart agree on every decision', async () => {
    const { store, ahead, behind } = skewedPair()
    const redisNow = await store.time()
    // Sessions last active 14 and 16 minutes ago by Redis's clock (15-minute idle timeout). By its own
    // clock, `ahead` would end the first and `behind` would keep the second.
    const tokens = await Promise.all(
      [14, 16].map(async (ago) => {
        const at = redisNow - ago * MINUTE
        const handle = generateHandle({ subject: 'u2' })
        const token = generateToken({ handle })
        const session: StoredSession = {
          handle,
          subject: 'u2',
          policy: 'default',
          fingerprint: ahead.defaultPolicy.fingerprint,
          authTime: at,
          createdAt: at,
          lastActivityAt: at,
          renewedAt: at,
        }
        const limits = {
          idleTimeout: 15 * MINUTE,
          absoluteTimeout: 60 * MINUTE,
          touchInterval: 0,
          renewEvery: 0,
          renewGrace: 0,
        }
        await store.create({ id: hashToken(token), session, limits, tombstoneTtl: MINUTE, now: at })
        return token
      }),
    )
    const [fresh, stale] = tokens as [string, string]
    for (const manager of [ahead, behind]) {
      expect(await manager.validate(fresh, { activity: false })).toMatchObject({ ok: true })
      expect(await manager.validate(stale, { activity: false })).toMatchObject({ ok: false, reason: 'idle' })
    }
    // And on the deadline itself: both report the same one, by Redis's clock.
    const [fromAhead, fromBehind] = await Promise.all(
      [ahead, behind].map((m) => m.validate(fresh, { activity: false })),
    )
    expect(fromAhead).toMatchObject({ ok: true, status: { expiresAt: redisNow + MINUTE } })
    expect(fromBehind).toMatchObject({ ok: true, status: { expiresAt: redisNow + MINUTE } })
  })
})
