import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateHandle } from '../../crypto/token'
import type { SessionStore, StoreCheckInput, StoredSession, StoreLimits } from '../types'

/**
 * The executable form of the `SessionStore` contract. Every store runs it:
 *
 * @example
 * describeSessionStore('RedisStore', async () => new RedisStore({ client, prefix: `t:${randomUUID()}:` }))
 *
 * All inputs carry an explicit `now`, so a store with its own clock is tested on the caller's clock.
 * `makeStore` is called before each test; the store is closed after it (`cleanup` runs last).
 */
export function describeSessionStore(
  name: string,
  makeStore: () => SessionStore | Promise<SessionStore>,
  options: { cleanup?: () => void | Promise<void> } = {},
): void {
  const T0 = Date.UTC(2026, 0, 1)
  const MIN = 60_000
  const limits: StoreLimits = {
    idleTimeout: 15 * MIN,
    absoluteTimeout: 60 * MIN,
    touchInterval: MIN,
    renewEvery: 0,
    renewGrace: 0,
  }
  const renewing: StoreLimits = { ...limits, renewEvery: 10 * MIN, renewGrace: 30_000 }
  const policies = { default: limits, renewing }
  const TTL = 5 * MIN
  let serial = 0
  const unique = () =>
    `${Date.now().toString(36)}${(serial++).toString(36)}${Math.random().toString(36).slice(2)}`

  describe(`SessionStore conformance: ${name}`, () => {
    let store: SessionStore

    beforeEach(async () => {
      store = await makeStore()
    })
    afterEach(async () => {
      await store.close?.()
      await options.cleanup?.()
    })

    async function create(overrides: Partial<StoredSession> = {}, now = T0) {
      // Ids are `<handle>.<digest>` and handles carry their subject's tag, as the manager makes them.
      const subject = overrides.subject ?? `subject_${unique()}`
      const handle = generateHandle({ subject })
      const id = `${handle}.${unique()}`
      const session: StoredSession = {
        handle,
        subject,
        policy: 'default',
        fingerprint: 'p1_test',
        authTime: now,
        createdAt: now,
        lastActivityAt: now,
        renewedAt: now,
        ...overrides,
      }
      const result = await store.create({
        id,
        session,
        limits: policies[session.policy as keyof typeof policies] ?? limits,
        tombstoneTtl: TTL,
        now,
      })
      expect(result.now).toBe(now)
      return { id, session }
    }

    function check(id: string, now: number, extra: Partial<StoreCheckInput> = {}) {
      return store.check({ id, activity: true, policies, tombstoneTtl: TTL, now, ...extra })
    }

    it('answers active for a fresh session and returns its record', async () => {
      const { id, session } = await create({ data: { role: 'admin' } })
      const result = await check(id, T0 + 1000)
      expect(result).toMatchObject({ outcome: 'active', now: T0 + 1000, session: { ...session } })
    })

    it('answers unknown for an id it never stored', async () => {
      expect(await check('id_never_stored', T0)).toEqual({ outcome: 'unknown', now: T0 })
    })

    it('ends a session at its idle deadline, first once, then from the tombstone', async () => {
      const { id, session } = await create()
      expect((await check(id, T0 + 15 * MIN - 1, { activity: false })).outcome).toBe('active')
      const first = await check(id, T0 + 15 * MIN)
      expect(first).toMatchObject({
        outcome: 'ended',
        reason: 'idle',
        first: true,
        tombstone: { handle: session.handle, subject: session.subject, policy: 'default', reason: 'idle' },
      })
      expect(await check(id, T0 + 16 * MIN)).toMatchObject({ outcome: 'ended', reason: 'idle', first: false })
    })

    it('reports first: true to exactly one of many concurrent checks', async () => {
      const { id } = await create()
      const results = await Promise.all(Array.from({ length: 25 }, () => check(id, T0 + 16 * MIN)))
      expect(results.filter((r) => r.outcome === 'ended' && r.first)).toHaveLength(1)
      expect(results.every((r) => r.outcome === 'ended' && r.reason === 'idle')).toBe(true)
    })

    it('ends a session at the absolute deadline under continuous activity', async () => {
      const { id } = await create()
      for (let t = T0 + 5 * MIN; t < T0 + 60 * MIN; t += 5 * MIN) {
        expect((await check(id, t)).outcome).toBe('active')
      }
      expect(await check(id, T0 + 60 * MIN)).toMatchObject({
        outcome: 'ended',
        reason: 'absolute',
        first: true,
      })
    })

    it('records activity only when asked, throttled by touchInterval, never backwards', async () => {
      const { id } = await create()
      const passive = await check(id, T0 + 5 * MIN, { activity: false })
      expect(passive).toMatchObject({ touched: false, session: { lastActivityAt: T0 } })
      const throttled = await check(id, T0 + MIN - 1)
      expect(throttled).toMatchObject({ touched: false, session: { lastActivityAt: T0 } })
      const touched = await check(id, T0 + 6 * MIN)
      expect(touched).toMatchObject({ touched: true, session: { lastActivityAt: T0 + 6 * MIN } })
      const behind = await check(id, T0 + 2 * MIN)
      expect(behind).toMatchObject({ touched: false, session: { lastActivityAt: T0 + 6 * MIN } })
    })

    it('judges by the limits passed now (tightening ends over-age sessions)', async () => {
      const { id } = await create()
      const tighter = { default: { ...limits, idleTimeout: 5 * MIN, touchInterval: 0 } }
      expect(await check(id, T0 + 6 * MIN, { policies: tighter })).toMatchObject({
        outcome: 'ended',
        reason: 'idle',
        first: true,
      })
    })

    it('ends a session whose tier is no longer configured with policy_changed', async () => {
      const { id } = await create()
      const result = await check(id, T0 + MIN, { policies: { other: limits } })
      expect(result).toMatchObject({ outcome: 'ended', reason: 'policy_changed', first: true })
    })

    it('revokes by id and by handle, once, leaving a tombstone with the reason', async () => {
      const a = await create()
      const b = await create()
      const byId = await store.revoke({ id: a.id, reason: 'logout', tombstoneTtl: TTL, now: T0 + MIN })
      expect(byId.ended).toMatchObject({ handle: a.session.handle, reason: 'logout', endedAt: T0 + MIN })
      const byHandle = await store.revoke({
        handle: b.session.handle,
        reason: 'revoked',
        tombstoneTtl: TTL,
        now: T0,
      })
      expect(byHandle.ended).toMatchObject({ handle: b.session.handle, reason: 'revoked' })
      expect(
        (await store.revoke({ id: a.id, reason: 'revoked', tombstoneTtl: TTL, now: T0 + MIN })).ended,
      ).toBeNull()
      expect(await check(a.id, T0 + 2 * MIN)).toMatchObject({
        outcome: 'ended',
        reason: 'logout',
        first: false,
      })
      expect(await check(b.id, T0 + 2 * MIN)).toMatchObject({
        outcome: 'ended',
        reason: 'revoked',
        first: false,
      })
      expect(
        (await store.revoke({ handle: 's_nonexistent', reason: 'revoked', tombstoneTtl: TTL, now: T0 }))
          .ended,
      ).toBeNull()
    })

    it('lists and revokes the live sessions of one subject only', async () => {
      const subject = `subject_${unique()}`
      const one = await create({ subject })
      const two = await create({ subject })
      const other = await create()
      const listed = await store.list({ subject, now: T0 })
      expect(listed.sessions.map((s) => s.handle).sort()).toEqual(
        [one.session.handle, two.session.handle].sort(),
      )
      const revoked = await store.revokeSubject({
        subject,
        reason: 'revoked',
        tombstoneTtl: TTL,
        now: T0 + MIN,
      })
      expect(revoked.ended.map((t) => t.handle).sort()).toEqual(
        [one.session.handle, two.session.handle].sort(),
      )
      expect((await store.list({ subject, now: T0 + MIN })).sessions).toEqual([])
      expect(await check(one.id, T0 + MIN)).toMatchObject({ outcome: 'ended', reason: 'revoked' })
      expect((await check(other.id, T0 + MIN)).outcome).toBe('active')
      const again = await store.revokeSubject({
        subject,
        reason: 'revoked',
        tombstoneTtl: TTL,
        now: T0 + MIN,
      })
      expect(again.ended).toEqual([])
    })

    describe('renewal', () => {
      const due = T0 + 10 * MIN
      const renewAt = (id: string, now: number, tag: string) =>
        check(id, now, { renew: { successorId: `${id}_next_${tag}`, nonce: `nonce_${tag}` } })

      it('does not rotate before renewEvery, nor on passive checks', async () => {
        const { id } = await create({ policy: 'renewing' })
        expect(await renewAt(id, due - 1, 'a')).not.toHaveProperty('renewal')
        const passive = await check(id, due, { activity: false, renew: { successorId: 'x', nonce: 'n' } })
        expect(passive).not.toHaveProperty('renewal')
      })

      it('rotates when due; the old id within grace yields the same successor; the successor works', async () => {
        const { id, session } = await create({ policy: 'renewing' })
        const rotated = await renewAt(id, due, 'a')
        expect(rotated).toMatchObject({
          outcome: 'active',
          renewal: { nonce: 'nonce_a', rotated: true },
          session: { renewedAt: due, handle: session.handle },
        })
        const again = await renewAt(id, due + 1000, 'b')
        expect(again).toMatchObject({ outcome: 'active', renewal: { nonce: 'nonce_a', rotated: false } })
        const successor = await check(`${id}_next_a`, due + 2000)
        expect(successor).toMatchObject({ outcome: 'active', session: { handle: session.handle } })
        expect(successor).not.toHaveProperty('renewal')
      })

      it('gives every concurrent renewal of one token the same successor', async () => {
        const { id } = await create({ policy: 'renewing' })
        const results = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((tag) => renewAt(id, due, tag)))
        const nonces = new Set(results.map((r) => (r.outcome === 'active' ? r.renewal?.nonce : 'x')))
        expect(nonces.size).toBe(1)
        expect(results.filter((r) => r.outcome === 'active' && r.renewal?.rotated)).toHaveLength(1)
      })

      it('revokes the whole session with reuse_detected when the old id comes back after grace', async () => {
        const { id } = await create({ policy: 'renewing' })
        await renewAt(id, due, 'a')
        const reuse = await check(id, due + 30_000)
        expect(reuse).toMatchObject({ outcome: 'ended', reason: 'reuse_detected', first: true })
        expect(await check(`${id}_next_a`, due + 31_000)).toMatchObject({
          outcome: 'ended',
          reason: 'reuse_detected',
          first: false,
        })
      })

      it('answers renewed (not a session end) for a retired id whose successor was itself renewed', async () => {
        const { id } = await create({ policy: 'renewing' })
        const fast = { ...policies, renewing: { ...renewing, renewEvery: 1000, renewGrace: 30_000 } }
        await check(id, T0 + 1000, { policies: fast, renew: { successorId: `${id}_b`, nonce: 'nb' } })
        await check(`${id}_b`, T0 + 2000, { policies: fast, renew: { successorId: `${id}_c`, nonce: 'nc' } })
        const stale = await check(id, T0 + 3000, { policies: fast })
        expect(stale).toMatchObject({ outcome: 'ended', reason: 'renewed', first: false })
        expect((await check(`${id}_c`, T0 + 4000, { policies: fast })).outcome).toBe('active')
      })

      it('revokes a session through a retired id', async () => {
        const { id, session } = await create({ policy: 'renewing' })
        await renewAt(id, due, 'a')
        const revoked = await store.revoke({ id, reason: 'logout', tombstoneTtl: TTL, now: due + 1 })
        expect(revoked.ended).toMatchObject({ handle: session.handle, reason: 'logout' })
        expect(await check(`${id}_next_a`, due + 2)).toMatchObject({ outcome: 'ended', reason: 'logout' })
      })
    })

    it('judges by its own clock when no now is given and it has one', async (context) => {
      // A store without a clock is always handed the caller's; this case is for the ones with a clock.
      if (!store.time) return context.skip()
      const now = await store.time()
      const fresh = await create({}, now)
      const result = await store.check({ id: fresh.id, activity: false, policies, tombstoneTtl: TTL })
      expect(result.outcome).toBe('active')
      expect(result.now).toBeGreaterThanOrEqual(now)
      // Idle for longer than the timeout by the store's clock: ended, though no caller said what time it is.
      const stale = await create({}, now - limits.idleTimeout - MIN)
      const ended = await store.check({ id: stale.id, activity: false, policies, tombstoneTtl: TTL })
      expect(ended).toMatchObject({ outcome: 'ended', reason: 'idle' })
    })
  })
}
