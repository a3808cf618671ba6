import { CLIENT_HEADER, type PolicyInput, parseSessionHeader, SESSION_HEADER } from '@curfew/core'
import type { SessionStore, TokenOptions } from '../../src/index'
import { createSessionManager, MemoryStore } from '../../src/index'
import type { SessionManager } from '../../src/types'
import type { AdapterUnderTest } from './apps'

export const T0 = Date.UTC(2026, 0, 1, 9, 0, 0)
export const MINUTE = 60_000

/** Test policy: short enough to reason about, touchInterval 0 so every activity is recorded exactly. */
export const POLICY: PolicyInput = { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: 0 }

export interface RequestOptions {
  cookie?: string
  bearer?: string
  headers?: Record<string, string>
  body?: string
}

/** A running app, its manager on an injected clock, and a raw HTTP client that follows no browser rule. */
export interface Env {
  url: string
  manager: SessionManager
  store: SessionStore
  clock: { now: number; advance(ms: number): void }
  request(method: string, path: string, options?: RequestOptions): Promise<Response>
  /** POST as the browser SDK does: with `Curfew-Client: 1`. */
  sdkPost(path: string, options?: RequestOptions): Promise<Response>
  /** Signs in through the app's `/login` route; returns the cookie pair, the raw token and the status. */
  login(
    subject?: string,
    extra?: { authTime?: number },
  ): Promise<{ cookie: string; token: string; body: any }>
  /** Restarts the app with another manager on the same store and clock (policy changes). */
  restart(policy: PolicyInput): Promise<void>
  close(): Promise<void>
}

/** A store implementation the suite runs on, created per test on the suite's clock. */
export interface StoreUnderTest {
  name: string
  create(now: () => number): SessionStore | Promise<SessionStore>
  /** Cleans up after a test (a Redis store deletes its key prefix here). Default: `store.close()`. */
  dispose?(store: SessionStore): Promise<void>
}

/** The default: the embedded MemoryStore. */
export const memoryStore: StoreUnderTest = { name: 'memory', create: (now) => new MemoryStore({ now }) }

/** What one run of the suite exercises: an adapter over a store. */
export interface ConformanceTarget {
  adapter: AdapterUnderTest
  store: StoreUnderTest
}

/** Options of {@link startEnv}. */
export interface EnvOptions {
  policy?: PolicyInput
  onStoreError?: 'deny' | 'unavailable'
  store?: SessionStore
  tokens?: TokenOptions
}

export async function startEnv(target: ConformanceTarget, options: EnvOptions = {}): Promise<Env> {
  const { adapter } = target
  const clock = {
    now: T0,
    advance(ms: number) {
      clock.now += ms
    },
  }
  const store = options.store ?? (await target.store.create(() => clock.now))
  const makeManager = (policy: PolicyInput) =>
    createSessionManager({
      policy,
      store,
      now: () => clock.now,
      ...(options.onStoreError ? { onStoreError: options.onStoreError } : {}),
      ...(options.tokens ? { tokens: options.tokens } : {}),
    })
  let manager = makeManager(options.policy ?? POLICY)
  let app = await adapter.start(manager)

  const env: Env = {
    get url() {
      return app.url
    },
    get manager() {
      return manager
    },
    store,
    clock,
    request(method, path, init = {}) {
      const headers: Record<string, string> = { ...init.headers }
      if (init.cookie !== undefined) headers.cookie = init.cookie
      if (init.bearer !== undefined) headers.authorization = `Bearer ${init.bearer}`
      return fetch(`${app.url}${path}`, {
        method,
        headers,
        redirect: 'manual',
        ...(init.body === undefined ? {} : { body: init.body }),
      })
    },
    sdkPost(path, init = {}) {
      return env.request('POST', path, { ...init, headers: { [CLIENT_HEADER]: '1', ...init.headers } })
    },
    async login(subject = 'user-42', extra = {}) {
      const response = await env.request('POST', '/login', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ subject, ...extra }),
      })
      if (response.status !== 200)
        throw new Error(`login answered ${response.status}: ${await response.text()}`)
      const setCookie = response.headers.getSetCookie()[0] ?? ''
      const cookie = setCookie.split(';')[0]!
      return { cookie, token: cookie.slice(cookie.indexOf('=') + 1), body: await response.json() }
    },
    async restart(policy) {
      await app.close()
      await manager.close()
      manager = makeManager(policy)
      app = await adapter.start(manager)
    },
    async close() {
      await app.close()
      await manager.close()
      if (options.store === undefined && target.store.dispose) await target.store.dispose(store)
      else await store.close?.()
    },
  }
  return env
}

/** The session cookie a response sets, as `name=value`, or `undefined`. */
export function setCookieOf(response: Response): string | undefined {
  const header = response.headers.getSetCookie().find((value) => value.includes('curfew_session'))
  return header
}

/** The parsed `Curfew-Session` header (fails the test when absent or unparsable). */
export function sessionHeaderOf(response: Response) {
  const parsed = parseSessionHeader(response.headers.get(SESSION_HEADER))
  if (!parsed)
    throw new Error(`missing or unparsable ${SESSION_HEADER}: ${response.headers.get(SESSION_HEADER)}`)
  return parsed
}
