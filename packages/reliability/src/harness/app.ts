import { Writable } from 'node:stream'
import type { PolicyInput } from '@curfew/core'
import {
  type AuditEvent,
  createSessionManager,
  jsonLinesSink,
  MemoryStore,
  type SessionManagerOptions,
  type SessionStore,
} from '@curfew/server'
// The server's own conformance apps: the same small app written with each adapter.
import { type AdapterUnderTest, adapters } from '../../../server/test/conformance/apps'
import { recordEvents, recordToken } from './leaks'

export type { AdapterUnderTest }
export { adapters }

export const T0 = Date.UTC(2026, 0, 1, 9, 0, 0)
export const MINUTE = 60_000

/** touchInterval 0: every activity is recorded, so "activity never moves backwards" is exact. */
export const POLICY: PolicyInput = { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: 0 }

/** Options of {@link startApp}: the manager's options beyond policy, store, clock and audit. */
export interface AppOptions extends Omit<SessionManagerOptions, 'store' | 'now' | 'audit'> {
  adapter: AdapterUnderTest
  store?: SessionStore
  /** Start time of the injected clock; `false` lets the store's own clock decide. */
  start?: number | false
  /** A clock of the test's own (a moving one), instead of the fixed, advanceable `clock`. */
  now?: () => number
}

/** A running adapter app, its manager on an injected clock, and everything it audited and logged. */
export interface App {
  url: string
  port: number
  manager: Manager
  clock: { now: number; advance(ms: number): void }
  /** Every audit event, as the function sink received it. */
  events: AuditEvent[]
  /** The JSON-lines log the manager wrote (its audit trail as a service would log it). */
  log(): string
  close(): Promise<void>
}

type Manager = ReturnType<typeof createSessionManager>

/**
 * The same manager, with every secret it hands out (session tokens, renewed successors, access JWTs)
 * written to the leak ledger. Adapters get this one, so tokens issued over HTTP are recorded too.
 */
export function trackTokens(manager: Manager): Manager {
  const tracked: Manager = Object.create(manager)
  tracked.create = async (input) => {
    const created = await manager.create(input)
    recordToken(created.token)
    return created
  }
  tracked.validate = async (token, options) => {
    const result = await manager.validate(token, options)
    if (result.ok) recordToken(result.token)
    return result
  }
  tracked.refresh = async (token, options) => {
    const result = await manager.refresh(token, options)
    if (result.ok) recordToken(result.token)
    return result
  }
  tracked.issueAccessToken = async (session) => {
    const jwt = await manager.issueAccessToken(session)
    recordToken(jwt)
    return jwt
  }
  return tracked
}

export async function startApp(options: AppOptions): Promise<App> {
  const { adapter, store, start = T0, now: ownClock, ...rest } = options
  const clock = {
    now: start === false ? Date.now() : start,
    advance(ms: number) {
      clock.now += ms
    },
  }
  const events: AuditEvent[] = []
  let log = ''
  const stream = new Writable({
    write(chunk, _encoding, done) {
      log += String(chunk)
      done()
    },
  })
  const manager = trackTokens(
    createSessionManager({
      policy: POLICY,
      ...rest,
      store: store ?? new MemoryStore({ now: ownClock ?? (() => clock.now) }),
      ...(ownClock ? { now: ownClock } : start === false ? {} : { now: () => clock.now }),
      audit: [(event) => void events.push(event), jsonLinesSink(stream)],
    }),
  )
  const running = await adapter.start(manager)
  const port = Number(new URL(running.url).port)
  return {
    url: running.url,
    port,
    manager,
    clock,
    events,
    log: () => log,
    async close() {
      await running.close()
      await manager.close()
      recordEvents({ events, log })
    },
  }
}

/** Signs in through the app's `/login` route over real HTTP; returns the cookie pair and raw token. */
export async function login(app: Pick<App, 'url'>, subject = 'user-42') {
  const response = await fetch(`${app.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ subject }),
  })
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`)
  const cookie = (response.headers.getSetCookie()[0] ?? '').split(';')[0]!
  const token = cookie.slice(cookie.indexOf('=') + 1)
  recordToken(token)
  return { cookie, token, status: await response.json() }
}
