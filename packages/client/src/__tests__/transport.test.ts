import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createTransport } from '../transport'

const status = {
  state: 'active',
  serverTime: 1_000,
  expiresAt: 61_000,
  idleExpiresAt: 61_000,
  absoluteExpiresAt: 3_601_000,
  expiresBy: 'idle',
  subject: 'ada',
  session: 'h1',
  policy: {
    name: 'default',
    idleTimeout: 60_000,
    absoluteTimeout: 3_600_000,
    warnBefore: 10_000,
    fingerprint: 'x',
  },
}

function transportWith(fetch: (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>) {
  return createTransport({
    endpoint: '/auth/session',
    fetch: vi.fn(fetch) as unknown as typeof globalThis.fetch,
    timers: globalThis,
    now: () => Date.now(),
    credentials: 'same-origin',
    requestTimeout: 5_000,
  })
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('transport', () => {
  it('sends passive GETs and POSTs with Curfew-Client: 1 and same-origin credentials', async () => {
    const seen: Array<{ url: string; init?: RequestInit }> = []
    const send = transportWith(async (input, init) => {
      seen.push({ url: String(input), init })
      return Response.json(status)
    })
    await send.send('check')
    await send.send('refresh')
    expect(seen[0]).toMatchObject({
      url: '/auth/session',
      init: { method: 'GET', credentials: 'same-origin', headers: { 'Curfew-Passive': '1' } },
    })
    expect(seen[1]).toMatchObject({
      url: '/auth/session/refresh',
      init: { method: 'POST', credentials: 'same-origin', headers: { 'Curfew-Client': '1' } },
    })
  })

  it('retries 5xx and network errors with growing backoff, then succeeds', async () => {
    const at: number[] = []
    let calls = 0
    const send = transportWith(async () => {
      at.push(Date.now())
      calls++
      if (calls === 1) throw new TypeError('Failed to fetch')
      if (calls === 2) return new Response('busy', { status: 503 })
      return Response.json(status)
    })
    const reply = send.send('activity')
    await vi.advanceTimersByTimeAsync(10_000)
    await expect(reply).resolves.toMatchObject({ body: { state: 'active', session: 'h1' } })
    expect(at).toHaveLength(3)
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(1_000)
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(2_000)
  })

  it('gives up after three retries and resolves null, never rejecting', async () => {
    let calls = 0
    const send = transportWith(async () => {
      calls++
      return new Response('down', { status: 502 })
    })
    const reply = send.send('check')
    await vi.advanceTimersByTimeAsync(60_000)
    await expect(reply).resolves.toBeNull()
    expect(calls).toBe(4)
  })

  it('aborts a request that hangs past the timeout and retries it', async () => {
    let calls = 0
    const send = transportWith(
      (_, init) =>
        new Promise((resolve, reject) => {
          calls++
          if (calls > 1) resolve(Response.json(status))
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
        }),
    )
    const reply = send.send('check')
    await vi.advanceTimersByTimeAsync(5_000)
    expect(calls).toBe(1)
    await vi.advanceTimersByTimeAsync(3_000)
    await expect(reply).resolves.toMatchObject({ body: { session: 'h1' } })
    expect(calls).toBe(2)
  })

  it('turns a 401 into an end with its reason and does not retry it', async () => {
    let calls = 0
    const send = transportWith(async () => {
      calls++
      return Response.json({ error: 'session_expired', reason: 'idle', serverTime: 9_000 }, { status: 401 })
    })
    await expect(send.send('check')).resolves.toMatchObject({
      body: { state: 'expired', reason: 'idle', serverTime: 9_000 },
    })
    expect(calls).toBe(1)
  })

  it.each([
    ['a 403 (cross-site refusal)', () => Response.json({ error: 'csrf' }, { status: 403 })],
    ['HTML instead of JSON', () => new Response('<html>', { status: 200 })],
    ['a status with a string deadline', () => Response.json({ ...status, expiresAt: 'soon' })],
  ])('resolves null, without retrying, for %s', async (_, answer) => {
    let calls = 0
    const send = transportWith(async () => {
      calls++
      return answer()
    })
    await expect(send.send('activity')).resolves.toBeNull()
    expect(calls).toBe(1)
  })

  it('cancel() ends backoff waits and in-flight requests and leaves no timer', async () => {
    const send = transportWith(async () => new Response('down', { status: 503 }))
    const reply = send.send('check')
    await vi.advanceTimersByTimeAsync(0)
    expect(vi.getTimerCount()).toBe(1)
    send.cancel()
    await expect(reply).resolves.toBeNull()
    expect(vi.getTimerCount()).toBe(0)
  })
})
