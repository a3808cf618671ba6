import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { AuditEvent } from '../../audit/events'
import { createSessionManager } from '../../manager/createSessionManager'
import { MemoryStore } from '../../stores/memory/memoryStore'
import type { SessionStore } from '../../stores/types'
import type { SessionManager } from '../../types'
import type { EndNoticeChannel, EndNoticeListener, SessionEnd } from '../types'

const SECOND = 1000
const MINUTE = 60 * SECOND
const START = Date.UTC(2026, 0, 1)
const policy = { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: 0 }

beforeEach(() => {
  vi.useFakeTimers({
    now: START,
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  })
})
afterEach(() => {
  vi.useRealTimers()
})

async function signedIn(manager: SessionManager, subject = 'u1') {
  const { token } = await manager.create({ subject })
  const result = await manager.validate(token, { activity: false })
  if (!result.ok) throw new Error('not signed in')
  return { token, session: result.session }
}

/** The store's own methods, with some replaced. */
function wrap(store: MemoryStore, overrides: Partial<SessionStore>): SessionStore {
  return {
    create: (input) => store.create(input),
    check: (input) => store.check(input),
    revoke: (input) => store.revoke(input),
    revokeSubject: (input) => store.revokeSubject(input),
    list: (input) => store.list(input),
    ...overrides,
  }
}

function recorder() {
  const ends: SessionEnd[] = []
  return { ends, onEnd: (end: SessionEnd) => void ends.push(end) }
}

describe('manager.watch', () => {
  it('ends the watch at the idle deadline, not a moment before', async () => {
    const manager = createSessionManager({ policy, store: new MemoryStore({ sweepInterval: 0 }) })
    const { session } = await signedIn(manager)
    const { ends, onEnd } = recorder()
    manager.watch(session, onEnd)
    await vi.advanceTimersByTimeAsync(15 * MINUTE - 1)
    expect(ends).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(ends).toEqual([{ session: session.handle, reason: 'idle' }])
  })

  it('audits one connection.closed per cut-off of a watch that names its transport, and none otherwise', async () => {
    const events: AuditEvent[] = []
    const manager = createSessionManager({
      policy,
      store: new MemoryStore({ sweepInterval: 0 }),
      audit: (event) => void events.push(event),
    })
    const { session } = await signedIn(manager)
    const other = await signedIn(manager, 'u2')
    manager.watch(session, () => {}, { transport: 'websocket' })
    manager.watch(other.session, () => {})
    await vi.advanceTimersByTimeAsync(15 * MINUTE)
    const closed = events.filter((event) => event.type === 'connection.closed')
    expect(closed).toEqual([
      expect.objectContaining({
        session: session.handle,
        subject: 'u1',
        reason: 'idle',
        time: START + 15 * MINUTE,
        meta: { transport: 'websocket' },
      }),
    ])
    await manager.revoke(other.token)
    expect(events.filter((event) => event.type === 'connection.closed')).toHaveLength(1)
  })

  it('re-arms when activity elsewhere moved the idle deadline, and ends at the new one', async () => {
    const manager = createSessionManager({ policy, store: new MemoryStore({ sweepInterval: 0 }) })
    const { token, session } = await signedIn(manager)
    const { ends, onEnd } = recorder()
    manager.watch(session, onEnd)
    await vi.advanceTimersByTimeAsync(10 * MINUTE)
    // An HTTP request (activity) on any server: the watch only learns of it from the store.
    expect((await manager.validate(token)).ok).toBe(true)
    await vi.advanceTimersByTimeAsync(5 * MINUTE)
    expect(ends).toEqual([])
    await vi.advanceTimersByTimeAsync(10 * MINUTE - 1)
    expect(ends).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(ends).toEqual([{ session: session.handle, reason: 'idle' }])
  })

  it('ends at the absolute deadline however much activity there is', async () => {
    const manager = createSessionManager({ policy, store: new MemoryStore({ sweepInterval: 0 }) })
    const { token, session } = await signedIn(manager)
    const { ends, onEnd } = recorder()
    manager.watch(session, onEnd)
    for (let t = 0; t < 59; t++) {
      await vi.advanceTimersByTimeAsync(MINUTE)
      await manager.validate(token)
    }
    expect(ends).toEqual([])
    await vi.advanceTimersByTimeAsync(MINUTE)
    expect(ends).toEqual([{ session: session.handle, reason: 'absolute' }])
  })

  it.each([
    ['revoke by token', (m: SessionManager, token: string) => m.revoke(token), 'revoked'],
    ['logout', (m: SessionManager, token: string) => m.revoke(token, 'logout'), 'logout'],
    ['revokeSubject', (m: SessionManager) => m.revokeSubject('u1'), 'revoked'],
  ] as const)('ends at once on %s', async (_name, end, reason) => {
    const manager = createSessionManager({ policy, store: new MemoryStore({ sweepInterval: 0 }) })
    const { token, session } = await signedIn(manager)
    const { ends, onEnd } = recorder()
    manager.watch(session, onEnd)
    await end(manager, token)
    expect(ends).toEqual([{ session: session.handle, reason }])
  })

  it('ends at once on a revoke by handle made by another manager on the same store', async () => {
    const store = new MemoryStore({ sweepInterval: 0 })
    const a = createSessionManager({ policy, store })
    const b = createSessionManager({ policy, store })
    const { session } = await signedIn(b)
    const { ends, onEnd } = recorder()
    b.watch(session, onEnd)
    await a.revoke(session.handle, 'policy_changed')
    expect(ends).toEqual([{ session: session.handle, reason: 'policy_changed' }])
  })

  it('ends at once when a server running a tightened policy finds the session over it', async () => {
    const store = new MemoryStore({ sweepInterval: 0 })
    const a = createSessionManager({ policy, store })
    const tightened = createSessionManager({ policy: { ...policy, idleTimeout: '5m' }, store })
    const { token, session } = await signedIn(a)
    const { ends, onEnd } = recorder()
    a.watch(session, onEnd)
    await vi.advanceTimersByTimeAsync(6 * MINUTE)
    expect(ends).toEqual([])
    // a's own deadline is 9 minutes away: only the tightened server's verdict can end the watch now.
    expect(await tightened.validate(token, { activity: false })).toMatchObject({ ok: false, reason: 'idle' })
    expect(ends).toEqual([{ session: session.handle, reason: 'idle' }])
  })

  it('ends at once when a tier is withdrawn from the policies in force', async () => {
    const store = new MemoryStore({ sweepInterval: 0 })
    const a = createSessionManager({ policies: { default: policy, admin: policy }, store })
    const withdrawn = createSessionManager({ policies: { default: policy }, store })
    const { token } = await a.create({ subject: 'u1', policy: 'admin' })
    const result = await a.validate(token, { activity: false })
    if (!result.ok) throw new Error('not signed in')
    const { ends, onEnd } = recorder()
    a.watch(result.session, onEnd)
    expect(await withdrawn.validate(token, { activity: false })).toMatchObject({
      ok: false,
      reason: 'policy_changed',
    })
    expect(ends).toEqual([{ session: result.session.handle, reason: 'policy_changed' }])
  })

  it('ends at once a watch made after its session ended, as when a revoke lands during the handshake', async () => {
    const store = new MemoryStore({ sweepInterval: 0 })
    const a = createSessionManager({ policy, store })
    const b = createSessionManager({ policy, store })
    // Validated for the handshake, then revoked — here and on another server — before the watch starts.
    const here = await signedIn(b, 'u1')
    const there = await signedIn(b, 'u2')
    await b.revoke(here.token, 'logout')
    await a.revoke(there.token)
    const ends = recorder()
    b.watch(here.session, ends.onEnd)
    b.watch(there.session, ends.onEnd)
    expect(ends.ends).toEqual([])
    await vi.advanceTimersByTimeAsync(0)
    // b heard its own logout; the other server's revoke came before b listened (its first watch
    // subscribes), so b's re-check at subscription found the session gone.
    expect(ends.ends).toHaveLength(2)
    expect(ends.ends).toEqual(
      expect.arrayContaining([
        { session: here.session.handle, reason: 'logout' },
        { session: there.session.handle, reason: 'unknown' },
      ]),
    )
    // Once b listens, another server's revoke during a handshake is heard, with its reason.
    const later = await signedIn(b, 'u3')
    await a.revoke(later.token)
    b.watch(later.session, ends.onEnd)
    await vi.advanceTimersByTimeAsync(0)
    expect(ends.ends.at(-1)).toEqual({ session: later.session.handle, reason: 'revoked' })
  })

  it('ends when a reused renewed token makes the store revoke the session', async () => {
    const manager = createSessionManager({
      policy: { ...policy, renewEvery: '1m', renewGrace: '10s' },
      store: new MemoryStore({ sweepInterval: 0 }),
    })
    const { token, session } = await signedIn(manager)
    const { ends, onEnd } = recorder()
    manager.watch(session, onEnd)
    await vi.advanceTimersByTimeAsync(2 * MINUTE)
    const renewed = await manager.validate(token)
    expect(renewed.ok && renewed.token).toBeTruthy()
    await vi.advanceTimersByTimeAsync(MINUTE)
    await manager.validate(token)
    expect(ends).toEqual([{ session: session.handle, reason: 'reuse_detected' }])
  })

  it('stops when unwatched, and runs every watch on one timer', async () => {
    const manager = createSessionManager({ policy, store: new MemoryStore({ sweepInterval: 0 }) })
    const baseline = vi.getTimerCount()
    const { session } = await signedIn(manager)
    const first = recorder()
    const unwatch = manager.watch(session, first.onEnd)
    const others = Array.from({ length: 50 }, () => recorder())
    for (const other of others) manager.watch(session, other.onEnd)
    expect(vi.getTimerCount() - baseline).toBe(1)
    unwatch()
    await vi.advanceTimersByTimeAsync(15 * MINUTE)
    expect(first.ends).toEqual([])
    expect(others.every((other) => other.ends.length === 1)).toBe(true)
    expect(vi.getTimerCount() - baseline).toBe(0)
  })

  it('never calls back from inside watch(), even for a session already past its deadline', async () => {
    const manager = createSessionManager({ policy, store: new MemoryStore({ sweepInterval: 0 }) })
    const { session } = await signedIn(manager)
    await vi.advanceTimersByTimeAsync(20 * MINUTE)
    const { ends, onEnd } = recorder()
    manager.watch(session, onEnd)
    expect(ends).toEqual([])
    await vi.advanceTimersByTimeAsync(0)
    expect(ends).toEqual([{ session: session.handle, reason: 'idle' }])
  })

  it('fails closed at the deadline when the store cannot be read', async () => {
    const store = new MemoryStore({ sweepInterval: 0 })
    let down = false
    const failing = wrap(store, {
      list: (input) => (down ? Promise.reject(new Error('down')) : store.list(input)),
    })
    const manager = createSessionManager({ policy, store: failing })
    const { session } = await signedIn(manager)
    const { ends, onEnd } = recorder()
    manager.watch(session, onEnd)
    down = true
    await vi.advanceTimersByTimeAsync(15 * MINUTE)
    expect(ends).toEqual([{ session: session.handle, reason: 'idle' }])
  })

  it('re-checks every watch when the channel is in force again, ending what was revoked meanwhile', async () => {
    const store = new MemoryStore({ sweepInterval: 0 })
    const listeners: EndNoticeListener[] = []
    // A channel that lost the notice: nothing is published to anyone.
    const lossy: EndNoticeChannel = {
      publish: async () => {},
      subscribe: (listener) => {
        listeners.push(listener)
        return async () => {}
      },
    }
    const withChannel = wrap(store, { endNotices: () => lossy })
    const a = createSessionManager({ policy, store: withChannel })
    const b = createSessionManager({ policy, store: withChannel })
    const revokedOne = await signedIn(b, 'u1')
    const liveOne = await signedIn(b, 'u2')
    const revoked = recorder()
    const live = recorder()
    b.watch(revokedOne.session, revoked.onEnd)
    b.watch(liveOne.session, live.onEnd)
    await a.revoke(revokedOne.token)
    expect(revoked.ends).toEqual([])
    for (const listener of listeners) listener.onReady()
    await vi.advanceTimersByTimeAsync(0)
    expect(revoked.ends).toEqual([{ session: revokedOne.session.handle, reason: 'unknown' }])
    expect(live.ends).toEqual([])
  })

  it('refuses something that is not a session', () => {
    const manager = createSessionManager({ policy })
    expect(() => manager.watch(null as never, () => {})).toThrow(/validate/)
    expect(() => manager.watch({ handle: 1 } as never, () => {})).toThrow(/validate/)
  })
})
