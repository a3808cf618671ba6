import type { SessionClient, SessionSnapshot } from '@curfew/client'
import { unknownSnapshot } from '../snapshot'

/**
 * A stand-in for `@curfew/client` (free of test-runner imports, so the browser test page can use it too) implementing its public `SessionClient` contract: the bindings under
 * test depend only on that contract. Snapshots are replaced (never mutated) like the real store does.
 */
export function createFakeClient() {
  let snapshot: SessionSnapshot = unknownSnapshot()
  const listeners = new Set<() => void>()
  const countdownListeners = new Set<() => void>()
  let timer: ReturnType<typeof setTimeout> | undefined
  // Like the real client: while anyone listens to the countdown during the warning, republish the
  // snapshot with a fresh `remainingMs` on each whole second, notifying the countdown listeners only.
  const tick = () => {
    clearTimeout(timer)
    timer = undefined
    if (!countdownListeners.size || snapshot.status !== 'warning' || snapshot.expiresAt === null) return
    const remainingMs = Math.max(0, snapshot.expiresAt - Date.now())
    if (remainingMs !== snapshot.remainingMs) {
      snapshot = { ...snapshot, remainingMs }
      for (const listener of countdownListeners) listener()
    }
    if (remainingMs > 0) timer = setTimeout(tick, remainingMs % 1000 || 1000)
  }
  const client = {
    started: 0,
    stopped: 0,
    calls: { staySignedIn: 0, logout: 0 },
    listenerCount: () => listeners.size + countdownListeners.size,
    start() {
      client.started++
    },
    async stop() {
      client.stopped++
    },
    getSnapshot: () => snapshot,
    subscribe(listener: () => void) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    subscribeCountdown(listener: () => void) {
      listeners.add(listener)
      countdownListeners.add(listener)
      tick()
      return () => {
        listeners.delete(listener)
        countdownListeners.delete(listener)
      }
    },
    async staySignedIn() {
      client.calls.staySignedIn++
      return snapshot
    },
    async logout() {
      client.calls.logout++
    },
    refreshStatus: async () => snapshot,
    handleResponse: <R extends Response>(response: R) => response,
    handleClose: (event: { code: number; reason: string }) => event.code === 4401,
    handleExpired: () => {},
    fetch: (() => Promise.reject(new Error('not used'))) as typeof fetch,
    /** Publishes a new snapshot; `remainingMs` is derived from `expiresAt` and the (fake) clock. */
    set(patch: Partial<SessionSnapshot>) {
      const next = { ...snapshot, ...patch }
      if (next.expiresAt !== null) next.remainingMs = next.expiresAt - Date.now()
      snapshot = next
      for (const listener of listeners) listener()
      tick()
    },
  }
  return client satisfies SessionClient
}

export type FakeClient = ReturnType<typeof createFakeClient>

/** A session in its warning phase with `seconds` left, extendable unless `absolute`. */
export function warning(seconds: number, absolute = false): Partial<SessionSnapshot> {
  return {
    status: 'warning',
    expiresAt: Date.now() + seconds * 1000,
    expiresBy: absolute ? 'absolute' : 'idle',
    canExtend: !absolute,
    warnBefore: 120_000,
  }
}
