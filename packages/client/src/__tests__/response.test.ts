import { formatSessionHeader, SESSION_HEADER } from '@curfew/core'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSessionClient } from '../client'
import { clientFor, settle, startServer } from './harness'

const T0 = Date.UTC(2026, 0, 1, 12)

beforeEach(() => {
  vi.useFakeTimers({ now: T0 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('handleResponse and fetch', () => {
  it('moves the countdown when app traffic extended the session', async () => {
    const server = await startServer()
    const client = clientFor(server)
    client.start()
    await settle()
    await vi.advanceTimersByTimeAsync(30_000)
    const later = client.getSnapshot()
    const header = formatSessionHeader({
      state: 'active',
      serverTime: T0 + 30_000,
      expiresAt: T0 + 90_000,
      idleExpiresAt: T0 + 90_000,
      absoluteExpiresAt: later.absoluteExpiresAt!,
      expiresBy: 'idle',
      session: later.session!,
    })
    const response = new Response('{}', { headers: { [SESSION_HEADER]: header } })
    expect(client.handleResponse(response)).toBe(response)
    expect(client.getSnapshot()).toMatchObject({ status: 'active', expiresAt: T0 + 90_000, subject: 'ada' })
    await client.stop()
  })

  it('ends the session on a 401 session_expired from any app request', async () => {
    const server = await startServer()
    const onExpired = vi.fn()
    // The app's API answers 401 (the session was revoked by an admin); session routes go to the server.
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) =>
      String(input).startsWith('/api')
        ? Response.json({ error: 'session_expired', reason: 'revoked', serverTime: T0 + 1 }, { status: 401 })
        : server.fetch(input, init)
    const client = createSessionClient({ crossTab: false, fetch, onExpired })
    client.start()
    await settle()
    const response = await client.fetch('/api/orders')
    expect(await response.json()).toMatchObject({ error: 'session_expired' })
    await settle()
    expect(client.getSnapshot()).toMatchObject({ status: 'expired', reason: 'revoked' })
    expect(onExpired).toHaveBeenCalledTimes(1)
    await client.stop()
  })

  it('learns nothing, and throws nothing, from a 401 it cannot read: not JSON, or a body the app already read', async () => {
    const server = await startServer()
    const client = clientFor(server)
    client.start()
    await settle()
    const before = client.getSnapshot()
    const read = Response.json(
      { error: 'session_expired', reason: 'revoked', serverTime: T0 + 1 },
      { status: 401 },
    )
    await read.json()
    const unhandled = vi.fn()
    process.on('unhandledRejection', unhandled)
    expect(client.handleResponse(read)).toBe(read)
    expect(client.handleResponse(new Response('<html>', { status: 401 }))).toBeInstanceOf(Response)
    await settle()
    process.off('unhandledRejection', unhandled)
    expect(unhandled).not.toHaveBeenCalled()
    expect(client.getSnapshot()).toBe(before)
    await client.stop()
  })

  it('keeps the first reason when the next answer only says the (cleared) cookie is missing', async () => {
    const server = await startServer()
    // The app's API ends the session (idle); the server cleared the cookie, so the confirming status
    // check that follows says only "missing".
    let ended = false
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).startsWith('/api')) {
        ended = true
        return Response.json(
          { error: 'session_expired', reason: 'idle', serverTime: T0 + 1 },
          { status: 401 },
        )
      }
      return ended
        ? Response.json({ error: 'no_session', reason: 'missing', serverTime: T0 + 2 }, { status: 401 })
        : server.fetch(input, init)
    }
    const client = createSessionClient({ crossTab: false, fetch })
    client.start()
    await settle()
    await client.fetch('/api/orders')
    await settle()
    await client.refreshStatus()
    expect(client.getSnapshot()).toMatchObject({ status: 'expired', reason: 'idle' })
    await client.stop()
  })

  it('ignores a tampered header', async () => {
    const server = await startServer()
    const client = clientFor(server)
    client.start()
    await settle()
    const before = client.getSnapshot()
    client.handleResponse(new Response('', { headers: { [SESSION_HEADER]: 'v=1; s=expired; e=1; e=2' } }))
    expect(client.getSnapshot()).toBe(before)
    await client.stop()
  })

  it('asks the server when a header names another session', async () => {
    const server = await startServer()
    const onSessionChange = vi.fn()
    const client = clientFor(server, { onSessionChange })
    client.start()
    await settle()
    await server.signIn('ada')
    const response = await client.fetch('/session')
    expect(response.status).toBe(200)
    await settle()
    expect(onSessionChange).toHaveBeenCalledTimes(1)
    expect(client.getSnapshot()).toMatchObject({ status: 'active', subject: 'ada' })
    await client.stop()
  })

  it('reports another user signing in as a switch, not as this tab being active', async () => {
    const server = await startServer()
    const onSessionChange = vi.fn()
    const client = clientFor(server, { onSessionChange })
    client.start()
    await settle()
    await server.signIn('bob')
    await client.refreshStatus()
    expect(client.getSnapshot()).toMatchObject({ status: 'expired', reason: 'switched', subject: 'bob' })
    expect(onSessionChange).toHaveBeenCalledWith(expect.objectContaining({ reason: 'switched' }))
    await client.stop()
  })

  it('logout() ends the session at the server and here', async () => {
    const server = await startServer()
    const client = clientFor(server)
    client.start()
    await settle()
    await client.logout()
    expect(client.getSnapshot()).toMatchObject({ status: 'expired', reason: 'logout' })
    expect(server.requests.at(-1)).toBe('POST /session/logout')
    expect(await client.refreshStatus()).toMatchObject({ status: 'expired', reason: 'logout' })
    await client.stop()
  })
})

describe('server-side rendering', () => {
  it('imports and creates without touching fetch, timers or the DOM', () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch')
    const timeoutSpy = vi.spyOn(globalThis, 'setTimeout')
    expect(typeof (globalThis as { window?: unknown }).window).toBe('undefined')
    const client = createSessionClient()
    expect(client.getSnapshot()).toMatchObject({ status: 'unknown', expiresAt: null, isLeader: false })
    expect(client.getSnapshot()).toBe(client.getSnapshot())
    expect(fetchSpy).not.toHaveBeenCalled()
    expect(timeoutSpy).not.toHaveBeenCalled()
  })
})

describe('countdown', () => {
  it('refreshes remainingMs on each whole second only while someone watches', async () => {
    const server = await startServer()
    const client = clientFor(server)
    client.start()
    await settle()
    const plain = vi.fn()
    client.subscribe(plain)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(plain).toHaveBeenCalledTimes(0)
    const seen: Array<number | null> = []
    const unsubscribe = client.subscribeCountdown(() => seen.push(client.getSnapshot().remainingMs))
    await vi.advanceTimersByTimeAsync(3_000)
    // Subscribing publishes the time left at once, then one update per whole second.
    expect(seen).toEqual([50_000, 49_000, 48_000, 47_000])
    unsubscribe()
    await vi.advanceTimersByTimeAsync(5_000)
    expect(seen).toHaveLength(4)
    await client.stop()
  })
})
