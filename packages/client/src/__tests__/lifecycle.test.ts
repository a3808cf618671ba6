import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { clientFor, settle, startServer } from './harness'

const T0 = Date.UTC(2026, 0, 1, 12)

beforeEach(() => {
  vi.useFakeTimers({ now: T0 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('stop() then start()', () => {
  // Issue 12, defect 1: the cancelled request's answer freed the slot of the new one, so a
  // refreshStatus() right after a restart (React StrictMode remounts) sent a request of its own.
  it('keeps requests single-flight: refreshStatus() joins the check the restart sent', async () => {
    const server = await startServer()
    let release!: () => void
    const gate = new Promise<void>((done) => {
      release = done
    })
    // Answers wait for `release`; an aborted request fails at once, as a browser's does.
    const fetch = vi.fn(
      (input: RequestInfo | URL, init?: RequestInit) =>
        new Promise<Response>((resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
          void gate.then(() => {
            if (!init?.signal?.aborted) server.fetch(input, init).then(resolve, reject)
          })
        }),
    )
    const client = clientFor(server, { fetch: fetch as typeof globalThis.fetch })
    client.start()
    await client.stop()
    client.start()
    // The cancelled request lands (with nothing) while the new one is still in the air.
    await settle()
    const asked = client.refreshStatus()
    release()
    await settle()
    await asked
    expect(fetch).toHaveBeenCalledTimes(2)
    expect(server.requests).toEqual(['GET /session'])
    expect(client.getSnapshot().status).toBe('active')
    await client.stop()
  })
})

describe('snapshot identity', () => {
  it('keeps the snapshot while only the time left moves and nobody watches the countdown', async () => {
    const server = await startServer()
    const client = clientFor(server)
    client.start()
    await settle()
    const listener = vi.fn()
    client.subscribe(listener)
    const before = client.getSnapshot()
    await vi.advanceTimersByTimeAsync(52_500)
    expect(client.getSnapshot().status).toBe('warning')
    const warning = client.getSnapshot()
    listener.mockClear()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(client.getSnapshot()).toBe(warning)
    expect(listener).not.toHaveBeenCalled()
    expect(before).not.toBe(warning)
    await client.stop()
  })

  it('tells countdown watchers of every second, and plain subscribers of real changes only', async () => {
    const server = await startServer()
    const client = clientFor(server)
    client.start()
    await vi.advanceTimersByTimeAsync(50_000)
    const plain = vi.fn()
    const countdown = vi.fn()
    client.subscribe(plain)
    client.subscribeCountdown(countdown)
    countdown.mockClear()
    await vi.advanceTimersByTimeAsync(3_000)
    expect(countdown).toHaveBeenCalledTimes(3)
    expect(client.getSnapshot().remainingMs).toBe(7_000)
    expect(plain).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(7_000)
    expect(client.getSnapshot().status).toBe('expired')
    expect(plain).toHaveBeenCalled()
    await client.stop()
  })
})
