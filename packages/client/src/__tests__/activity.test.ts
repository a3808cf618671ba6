// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { clientFor, settle, startServer } from './harness'

const T0 = Date.UTC(2026, 0, 1, 12)
const posts = (requests: string[]) => requests.filter((r) => r === 'POST /session/activity').length
const press = () => window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }))

beforeEach(() => {
  vi.useFakeTimers({ now: T0 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('activity', () => {
  it('keeps an active user signed in past the idle timeout with one report per interval', async () => {
    const server = await startServer()
    const client = clientFor(server, { reportInterval: 20_000 })
    client.start()
    await settle()
    // A key press every 5 s for three idle periods.
    for (let t = 0; t < 180_000; t += 5_000) {
      press()
      await vi.advanceTimersByTimeAsync(5_000)
    }
    expect(client.getSnapshot().status).toBe('active')
    expect(posts(server.requests)).toBeLessThanOrEqual(180_000 / 20_000 + 1)
    expect(posts(server.requests)).toBeGreaterThanOrEqual(180_000 / 20_000 - 1)
    await client.stop()
  })

  it('reports nothing when there was no activity since the last report', async () => {
    const server = await startServer()
    const client = clientFor(server, { reportInterval: 5_000 })
    client.start()
    press()
    await vi.advanceTimersByTimeAsync(45_000)
    expect(posts(server.requests)).toBe(1)
    await client.stop()
  })

  it('throttles input: events closer than activityThrottle count once', async () => {
    const server = await startServer()
    const client = clientFor(server, { activityThrottle: 10_000, reportInterval: 1_000 })
    client.start()
    await settle()
    for (let i = 0; i < 10; i++) {
      press()
      await vi.advanceTimersByTimeAsync(1_000)
    }
    expect(posts(server.requests)).toBe(1)
    press()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(posts(server.requests)).toBe(2)
    await client.stop()
  })

  it('reports at once when an active user would otherwise slide into the warning', async () => {
    const server = await startServer()
    const client = clientFor(server, { reportInterval: 30_000 })
    client.start()
    await settle()
    press() // reported at once (first report)
    await settle()
    await vi.advanceTimersByTimeAsync(45_000)
    // The next slot (+30 s) is long gone; the warning (+50 s from that report) is 5 s away.
    const before = posts(server.requests)
    press()
    await settle()
    expect(posts(server.requests)).toBe(before + 1)
    expect(client.getSnapshot()).toMatchObject({ status: 'active', expiresAt: T0 + 45_000 + 60_000 })
    await client.stop()
  })

  it('does not let activity during the warning extend silently', async () => {
    const server = await startServer()
    const client = clientFor(server)
    client.start()
    await vi.advanceTimersByTimeAsync(51_000)
    expect(client.getSnapshot().status).toBe('warning')
    press()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(posts(server.requests)).toBe(0)
    expect(client.getSnapshot().status).toBe('warning')
    await client.staySignedIn()
    expect(client.getSnapshot()).toMatchObject({ status: 'active', expiresAt: T0 + 52_000 + 60_000 })
    expect(server.requests.at(-1)).toBe('POST /session/refresh')
    await client.stop()
  })

  it('extends on activity during the warning when extendOnActivityDuringWarning is set', async () => {
    const server = await startServer()
    const client = clientFor(server, { extendOnActivityDuringWarning: true })
    client.start()
    await vi.advanceTimersByTimeAsync(51_000)
    press()
    await settle()
    expect(client.getSnapshot()).toMatchObject({ status: 'active', expiresAt: T0 + 51_000 + 60_000 })
    await client.stop()
  })

  it('ignores input in a hidden tab', async () => {
    const server = await startServer()
    const client = clientFor(server)
    client.start()
    await settle()
    Object.defineProperty(document, 'hidden', { value: true, configurable: true })
    press()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(posts(server.requests)).toBe(0)
    Object.defineProperty(document, 'hidden', { value: false, configurable: true })
    await client.stop()
  })

  it('removes every listener and timer on stop()', async () => {
    const server = await startServer()
    const added = vi.spyOn(window, 'addEventListener')
    const removed = vi.spyOn(window, 'removeEventListener')
    const client = clientFor(server)
    client.start()
    await settle()
    expect(vi.getTimerCount()).toBeGreaterThan(0)
    await client.stop()
    expect(removed.mock.calls.map((c) => c[0]).sort()).toEqual(added.mock.calls.map((c) => c[0]).sort())
    for (const [, , options] of added.mock.calls)
      expect(options).toMatchObject({ passive: true, capture: true })
    await server.manager.close()
    expect(vi.getTimerCount()).toBe(0)
    press()
    await vi.advanceTimersByTimeAsync(120_000)
    expect(posts(server.requests)).toBe(0)
  })
})

describe('waking up', () => {
  it('confirms a predicted end with the server once the network is back (online event)', async () => {
    const server = await startServer()
    const client = clientFor(server)
    client.start()
    await settle()
    server.setDown(true)
    await vi.advanceTimersByTimeAsync(120_000)
    expect(client.getSnapshot()).toMatchObject({ status: 'expired', reason: 'idle' })
    server.setDown(false)
    server.requests.length = 0
    window.dispatchEvent(new Event('online'))
    await settle()
    expect(server.requests).toEqual(['GET /session'])
    expect(client.getSnapshot()).toMatchObject({ status: 'expired', reason: 'idle' })
    // Confirmed: nothing more to ask.
    window.dispatchEvent(new Event('online'))
    await vi.advanceTimersByTimeAsync(600_000)
    expect(server.requests).toHaveLength(1)
    await client.stop()
  })

  it('re-evaluates when the page becomes visible again', async () => {
    const server = await startServer()
    const client = clientFor(server)
    client.start()
    await settle()
    // The tab was frozen: its timers did not run, but the clock moved past the warning start.
    vi.setSystemTime(Date.now() + 52_000)
    document.dispatchEvent(new Event('visibilitychange'))
    expect(client.getSnapshot()).toMatchObject({ status: 'warning' })
    await client.stop()
  })
})
