import { afterEach, describe, expect, it, vi } from 'vitest'
import type { AuditEvent } from '../../audit/events'
import { createStoreGuard } from '../storeGuard'

function guardWith(timeout: number) {
  const events: AuditEvent[] = []
  const guard = createStoreGuard({ timeout, now: () => Date.now(), emit: (event) => events.push(event) })
  return { guard, events }
}

/** A store call that answers (or fails) only when told to. */
function pendingCall<T>() {
  let answer!: (value: T) => void
  let fail!: (error: Error) => void
  const promise = new Promise<T>((resolve, reject) => {
    answer = resolve
    fail = reject
  })
  return { call: () => promise, answer, fail }
}

/** What a guarded call came to so far: still pending, its value, or the error code. */
function track<T>(promise: Promise<T>) {
  const state: { settled: 'pending' | 'value' | 'error'; value?: T; code?: string } = { settled: 'pending' }
  promise.then(
    (value) => Object.assign(state, { settled: 'value', value }),
    (error: { code?: string }) => Object.assign(state, { settled: 'error', code: error.code }),
  )
  return state
}

describe('store guard', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('fails each hanging call at its own deadline, whenever it started', async () => {
    vi.useFakeTimers()
    const { guard, events } = guardWith(500)
    const hanging = () => new Promise<never>(() => {})
    const a = track(guard(hanging))
    await vi.advanceTimersByTimeAsync(100)
    const b = track(guard(hanging))
    await vi.advanceTimersByTimeAsync(200)
    const c = track(guard(hanging))
    await vi.advanceTimersByTimeAsync(199)
    expect([a.settled, b.settled, c.settled]).toEqual(['pending', 'pending', 'pending'])
    await vi.advanceTimersByTimeAsync(1) // 500 ms after a started
    expect([a.settled, a.code, b.settled, c.settled]).toEqual([
      'error',
      'store_timeout',
      'pending',
      'pending',
    ])
    await vi.advanceTimersByTimeAsync(99)
    expect(b.settled).toBe('pending')
    await vi.advanceTimersByTimeAsync(1) // 500 ms after b started
    expect([b.settled, b.code, c.settled]).toEqual(['error', 'store_timeout', 'pending'])
    await vi.advanceTimersByTimeAsync(200) // 500 ms after c started
    expect([c.settled, c.code]).toEqual(['error', 'store_timeout'])
    // One outage, audited once.
    expect(events.map((event) => event.type)).toEqual(['store.unavailable'])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('answers calls that settle in time, swallows a late answer, and holds no timer once idle', async () => {
    vi.useFakeTimers()
    const { guard, events } = guardWith(500)
    const slow = pendingCall<string>()
    const quick = pendingCall<string>()
    const failing = pendingCall<string>()
    const late = track(guard(slow.call))
    const inTime = track(guard(quick.call))
    const failed = track(guard(failing.call))
    await vi.advanceTimersByTimeAsync(10)
    quick.answer('ok')
    failing.fail(new Error('ECONNRESET'))
    await vi.advanceTimersByTimeAsync(0)
    expect(inTime).toMatchObject({ settled: 'value', value: 'ok' })
    expect(failed).toMatchObject({ settled: 'error', code: 'store_unavailable' })
    expect(vi.getTimerCount()).toBe(1) // the slow call is still in flight
    await vi.advanceTimersByTimeAsync(490)
    expect(late).toMatchObject({ settled: 'error', code: 'store_timeout' })
    slow.answer('too late')
    await vi.advanceTimersByTimeAsync(0)
    expect(late).toMatchObject({ settled: 'error', code: 'store_timeout' })
    expect(vi.getTimerCount()).toBe(0)
    // The next success ends the outage.
    expect(await guard(() => Promise.resolve('back'))).toBe('back')
    expect(events.map((event) => event.type)).toEqual(['store.unavailable', 'store.recovered'])
    expect(vi.getTimerCount()).toBe(0)
  })

  it('does not reopen an outage for a call that started before the recovery and failed after it', async () => {
    const { guard, events } = guardWith(60_000)
    await guard(() => Promise.reject(new Error('ECONNREFUSED'))).catch(() => {})
    // Sent while the store was down (to the dead master, say), answered after the store recovered.
    const straggler = pendingCall<string>()
    const sentBefore = track(guard(straggler.call))
    expect(await guard(() => Promise.resolve('back'))).toBe('back')
    straggler.fail(new Error('Connection is closed.'))
    await new Promise((resolve) => setImmediate(resolve))
    expect(sentBefore).toMatchObject({ settled: 'error', code: 'store_unavailable' })
    expect(events.map((event) => event.type)).toEqual(['store.unavailable', 'store.recovered'])
    // A call that starts after the recovery and fails opens the next outage.
    await guard(() => Promise.reject(new Error('ECONNREFUSED'))).catch(() => {})
    expect(events.map((event) => event.type)).toEqual([
      'store.unavailable',
      'store.recovered',
      'store.unavailable',
    ])
  })

  it('tracks the outages of a sharded store per shard', async () => {
    const events: AuditEvent[] = []
    const shardOf = (route: { subject?: string } | undefined) =>
      route?.subject
        ? { shard: route.subject === 'a' ? '0-8191' : '8192-16383', node: `n-${route.subject}` }
        : null
    const guard = createStoreGuard({
      timeout: 60_000,
      now: () => Date.now(),
      emit: (e) => events.push(e),
      domainOf: shardOf,
    })
    const down = () => Promise.reject(new Error('ECONNREFUSED'))
    const up = () => Promise.resolve('ok')
    await guard(down, { subject: 'a' }).catch(() => {})
    await guard(up, { subject: 'b' })
    await guard(down, { subject: 'a' }).catch(() => {})
    await guard(up, { subject: 'b' })
    // A call on no shard in particular opens and ends nothing.
    await guard(down).catch(() => {})
    await guard(up)
    expect(events.map((e) => [e.type, e.meta?.shard])).toEqual([['store.unavailable', '0-8191']])
    await guard(up, { subject: 'a' })
    expect(events.map((e) => [e.type, e.meta?.shard, e.meta?.node])).toEqual([
      ['store.unavailable', '0-8191', 'n-a'],
      ['store.recovered', '0-8191', 'n-a'],
    ])
  })
})
