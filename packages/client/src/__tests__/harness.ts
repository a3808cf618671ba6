import type { PolicyInput } from '@curfew/core'
import { createSessionManager } from '@curfew/server'
import { createSessionHandler } from '@curfew/server/fetch'
import { vi } from 'vitest'
import { createSessionClient } from '../client'
import type { SessionClientOptions } from '../types'

/**
 * A real `@curfew/server` (manager + MemoryStore + the Web `Request`/`Response` adapter) behind an
 * injected `fetch`, on vitest's fake clock. `skew` puts the server's clock ahead of the browser's.
 */
export async function startServer(options: { policy?: PolicyInput; skew?: number } = {}) {
  const skew = options.skew ?? 0
  const manager = createSessionManager({
    policy: options.policy ?? { idleTimeout: '60s', absoluteTimeout: '1h', warnBefore: '10s' },
    now: () => Date.now() + skew,
  })
  const handler = createSessionHandler(manager)
  const requests: string[] = []
  let token = (await manager.create({ subject: 'ada' })).token
  let down = false
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const headers = new Headers(init?.headers)
    headers.set('authorization', `Bearer ${token}`)
    const request = new Request(new URL(String(input), 'http://127.0.0.1'), { ...init, headers })
    requests.push(`${request.method} ${new URL(request.url).pathname}`)
    if (down) throw new TypeError('Failed to fetch')
    return (await handler.handle(request)) ?? new Response('not found', { status: 404 })
  })
  return {
    manager,
    fetch: fetch as unknown as typeof globalThis.fetch,
    fetchMock: fetch,
    requests,
    serverNow: () => Date.now() + skew,
    setDown(value: boolean) {
      down = value
    },
    /** Activity from elsewhere (another device, app traffic the client never saw). */
    extend: () => manager.refresh(token),
    async signIn(subject: string) {
      token = (await manager.create({ subject })).token
    },
  }
}

export type TestServer = Awaited<ReturnType<typeof startServer>>

/** A client on the fake clock, talking to `server`, without cross-tab coordination unless asked. */
export function clientFor(server: TestServer, options: SessionClientOptions = {}) {
  return createSessionClient({ crossTab: false, fetch: server.fetch, ...options })
}

/** Lets pending promises (fetch, store) settle without moving the clock. */
export const settle = () => vi.advanceTimersByTimeAsync(0)
