import { describe, expect, it } from 'vitest'
import { MemoryStore, type SessionStore } from '../../src/index'
import type { ConformanceTarget } from './harness'
import { setCookieOf, startEnv, T0 } from './harness'

/**
 * A real MemoryStore behind a switch that makes every call fail, the way a store whose server went
 * away does. Only failure is injected; all answers while up come from the real store.
 */
export class SwitchableStore implements SessionStore {
  down = false
  private readonly inner: MemoryStore

  constructor(now: () => number) {
    this.inner = new MemoryStore({ now })
    this.time = () => this.call(() => this.inner.time!())
  }

  private call<T>(run: () => Promise<T>): Promise<T> {
    return this.down ? Promise.reject(new Error('store down')) : run()
  }

  readonly time: () => Promise<number>
  create: SessionStore['create'] = (input) => this.call(() => this.inner.create(input))
  check: SessionStore['check'] = (input) => this.call(() => this.inner.check(input))
  revoke: SessionStore['revoke'] = (input) => this.call(() => this.inner.revoke(input))
  revokeSubject: SessionStore['revokeSubject'] = (input) => this.call(() => this.inner.revokeSubject(input))
  list: SessionStore['list'] = (input) => this.call(() => this.inner.list(input))
  close = () => this.inner.close()
}

/** A failing store: typed 503 or 401 as configured, the cookie kept, recovery without a restart. */
export function outageSuite(target: ConformanceTarget): void {
  describe('store outage', () => {
    it("answers 503 store_unavailable with onStoreError 'unavailable', keeps the cookie, and recovers", async () => {
      // The manager's injected clock is passed to the store on every call; the store's own is unused.
      const store = new SwitchableStore(() => T0)
      const env = await startEnv(target, { store, onStoreError: 'unavailable' })
      try {
        const { cookie } = await env.login()
        store.down = true
        for (const response of [
          await env.request('GET', '/api/me', { cookie }),
          await env.request('GET', '/session', { cookie }),
          await env.sdkPost('/session/activity', { cookie }),
          await env.sdkPost('/session/logout', { cookie }),
        ]) {
          expect(response.status).toBe(503)
          expect(await response.json()).toMatchObject({
            error: 'store_unavailable',
            reason: 'store_unavailable',
          })
          expect(setCookieOf(response)).toBeUndefined()
          expect(response.headers.get('retry-after')).toBe('5')
        }
        store.down = false
        expect((await env.request('GET', '/api/me', { cookie })).status).toBe(200)
      } finally {
        await env.close()
      }
    })

    it("answers 401 with onStoreError 'deny' (the default) without deleting the cookie", async () => {
      const store = new SwitchableStore(() => T0)
      const env = await startEnv(target, { store })
      try {
        const { cookie } = await env.login()
        store.down = true
        const response = await env.request('GET', '/api/me', { cookie })
        expect(response.status).toBe(401)
        expect(await response.json()).toMatchObject({ reason: 'store_unavailable' })
        expect(setCookieOf(response)).toBeUndefined()
      } finally {
        await env.close()
      }
    })
  })
}
