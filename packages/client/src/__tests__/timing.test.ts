import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { clientFor, settle, startServer } from './harness'

const T0 = Date.UTC(2026, 0, 1, 12)

beforeEach(() => {
  vi.useFakeTimers({ now: T0 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('warning and expiry instants', () => {
  it('turns warning exactly warnBefore before the deadline and expired exactly at it', async () => {
    const server = await startServer()
    const onWarning = vi.fn()
    const onExpired = vi.fn()
    const client = clientFor(server, { onWarning, onExpired })
    client.start()
    await settle()
    expect(client.getSnapshot()).toMatchObject({
      status: 'active',
      expiresAt: T0 + 60_000,
      expiresBy: 'idle',
      canExtend: true,
      isLeader: true,
      subject: 'ada',
      warnBefore: 10_000,
    })
    await vi.advanceTimersByTimeAsync(49_999)
    expect(client.getSnapshot().status).toBe('active')
    await vi.advanceTimersByTimeAsync(1)
    expect(client.getSnapshot()).toMatchObject({ status: 'warning', remainingMs: 10_000 })
    expect(onWarning).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(9_999)
    expect(client.getSnapshot().status).toBe('warning')
    await vi.advanceTimersByTimeAsync(1)
    expect(client.getSnapshot()).toMatchObject({ status: 'expired', reason: 'idle', remainingMs: 0 })
    expect(onExpired).toHaveBeenCalledTimes(1)
    await client.stop()
  })

  it('confirms the predicted end with one passive check and then sends nothing more', async () => {
    const server = await startServer()
    const client = clientFor(server)
    client.start()
    await vi.advanceTimersByTimeAsync(60_000)
    // start, warning start, last look 5 s before the deadline, deadline: all passive GETs.
    expect(server.requests).toEqual(['GET /session', 'GET /session', 'GET /session', 'GET /session'])
    await vi.advanceTimersByTimeAsync(3_600_000)
    expect(server.requests).toHaveLength(4)
    expect(client.getSnapshot()).toMatchObject({ status: 'expired', reason: 'idle' })
    await client.stop()
  })

  // Found by the reliability suite (packages/reliability, browser view): a "Stay signed in" whose tab
  // closed mid-request extended the session at the server, and the surviving tab signed the user out.
  it('learns of an extension made elsewhere during the warning before the deadline, and never expires', async () => {
    const server = await startServer()
    const onExpired = vi.fn()
    const client = clientFor(server, { onExpired })
    client.start()
    await vi.advanceTimersByTimeAsync(52_000)
    expect(client.getSnapshot().status).toBe('warning')
    await server.extend()
    await vi.advanceTimersByTimeAsync(8_000)
    expect(client.getSnapshot()).toMatchObject({ status: 'active', expiresAt: T0 + 52_000 + 60_000 })
    expect(onExpired).not.toHaveBeenCalled()
    await client.stop()
  })

  it('honours a warnBefore option over the policy', async () => {
    const server = await startServer()
    const client = clientFor(server, { warnBefore: '30s' })
    client.start()
    await vi.advanceTimersByTimeAsync(29_999)
    expect(client.getSnapshot().status).toBe('active')
    await vi.advanceTimersByTimeAsync(1)
    expect(client.getSnapshot()).toMatchObject({ status: 'warning', warnBefore: 30_000 })
    await client.stop()
  })

  it.each([
    ['two hours ahead', 2 * 3_600_000],
    ['two hours behind', -2 * 3_600_000],
  ])('shows the same instants when the server clock is %s', async (_, skew) => {
    const server = await startServer({ skew })
    const client = clientFor(server)
    client.start()
    await settle()
    expect(client.getSnapshot()).toMatchObject({
      status: 'active',
      expiresAt: T0 + skew + 60_000,
      remainingMs: 60_000,
    })
    await vi.advanceTimersByTimeAsync(49_999)
    expect(client.getSnapshot().status).toBe('active')
    await vi.advanceTimersByTimeAsync(1)
    expect(client.getSnapshot().status).toBe('warning')
    await vi.advanceTimersByTimeAsync(10_000)
    expect(client.getSnapshot().status).toBe('expired')
    await client.stop()
  })

  it('says the session cannot be extended when the absolute deadline rules', async () => {
    const server = await startServer({
      policy: { idleTimeout: '60s', absoluteTimeout: '90s', warnBefore: '10s' },
    })
    vi.setSystemTime(T0 + 40_000)
    const client = clientFor(server)
    client.start()
    await settle()
    await client.staySignedIn()
    // Refreshed at +40 s: idle would end at +100 s, absolute at +90 s.
    expect(client.getSnapshot()).toMatchObject({
      expiresBy: 'absolute',
      expiresAt: T0 + 90_000,
      canExtend: false,
    })
    await vi.advanceTimersByTimeAsync(40_000)
    expect(client.getSnapshot()).toMatchObject({ status: 'warning', canExtend: false })
    await vi.advanceTimersByTimeAsync(10_000)
    expect(client.getSnapshot()).toMatchObject({ status: 'expired', reason: 'absolute' })
    await client.stop()
  })
})

describe('sleep and late timers', () => {
  it('shows expired at once when the machine wakes past the deadline, and the server agrees', async () => {
    const server = await startServer()
    const client = clientFor(server)
    client.start()
    await settle()
    // A sleeping laptop: the wall clock jumps, no timer has fired.
    vi.setSystemTime(T0 + 5 * 60_000)
    await client.refreshStatus()
    expect(client.getSnapshot()).toMatchObject({ status: 'expired', reason: 'idle' })
    expect(server.requests.at(-1)).toBe('GET /session')
    await client.stop()
  })

  it('re-evaluates from the deadline when a throttled timer fires late', async () => {
    const server = await startServer()
    const client = clientFor(server)
    client.start()
    await settle()
    // The wall clock runs 5 s ahead of the timers (a frozen background tab): the warning timer, due
    // after 50 s, fires when the deadline is 5 s away.
    vi.setSystemTime(T0 + 5_000)
    await vi.advanceTimersByTimeAsync(50_000)
    expect(client.getSnapshot()).toMatchObject({ status: 'warning', remainingMs: 5_000 })
    await client.stop()
  })

  it('returns to active when the server reports a later deadline at the predicted end', async () => {
    const server = await startServer()
    const onExtended = vi.fn()
    const client = clientFor(server, { onExtended })
    client.start()
    await settle()
    await vi.advanceTimersByTimeAsync(55_000)
    // Another tab of another browser (or app traffic) extended the session behind this client's back.
    await server.extend()
    await vi.advanceTimersByTimeAsync(5_000)
    expect(client.getSnapshot()).toMatchObject({ status: 'active', expiresAt: T0 + 115_000 })
    expect(onExtended).toHaveBeenCalledTimes(1)
    await client.stop()
  })

  it('stays expired at the deadline when the network is down', async () => {
    const server = await startServer()
    const client = clientFor(server)
    client.start()
    await settle()
    server.setDown(true)
    await vi.advanceTimersByTimeAsync(60_000 + 60_000)
    expect(client.getSnapshot()).toMatchObject({ status: 'expired', reason: 'idle' })
    await client.stop()
  })
})

describe('start and stop', () => {
  it('syncs again when started right after a stop (React StrictMode mounts twice)', async () => {
    const server = await startServer()
    const client = clientFor(server)
    client.start()
    void client.stop()
    client.start()
    await settle()
    expect(client.getSnapshot()).toMatchObject({ status: 'active', isLeader: true })
    await client.stop()
  })
})
