import { CLIENT_HEADER } from '@curfew/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createSessionManager } from '../../index'
import type { SessionManager } from '../../types'
import { resolveHttpOptions } from '../options'
import { handleSessionRoute, type SessionRoute } from '../routes'
import { endSession } from '../signOut'
import { fakeRequest } from './helpers'

const T0 = Date.UTC(2026, 0, 1)
let real: SessionManager | undefined

afterEach(async () => {
  await real?.close()
})

/** A real manager whose chosen methods throw, as a bug or an unguarded store failure would. */
function failing(methods: Array<keyof SessionManager>): SessionManager {
  real = createSessionManager({ policy: { idleTimeout: '15m', absoluteTimeout: '1h' }, now: () => T0 })
  const broken = Object.create(real) as SessionManager
  for (const method of methods) {
    Object.defineProperty(broken, method, {
      value: () => {
        throw new Error(`${method} failed`)
      },
    })
  }
  return broken
}

async function call(manager: SessionManager, route: SessionRoute, cookie = 'curfew_session=x') {
  const request = fakeRequest({
    method: route === 'status' || route === 'policy' ? 'GET' : 'POST',
    host: 'localhost',
    headers: { cookie, [CLIENT_HEADER.toLowerCase()]: '1' },
  })
  return handleSessionRoute(
    { manager, request, options: resolveHttpOptions(), readBody: async () => ({ ok: true, text: '' }) },
    route,
  )
}

describe('handleSessionRoute when the manager itself fails', () => {
  it('answers a typed 503 for every route instead of throwing', async () => {
    const manager = failing(['validate', 'refresh', 'policyDocument', 'now'])
    for (const route of ['status', 'activity', 'refresh', 'logout', 'policy'] as const) {
      const reply = await call(manager, route)
      expect(reply.status, route).toBe(503)
      expect(reply.body).toMatchObject({ error: 'store_unavailable', reason: 'store_unavailable' })
    }
  })

  it('answers 503 when revoking on logout fails, and keeps the cookie', async () => {
    const manager = failing(['revoke'])
    const { token } = await real!.create({ subject: 'u1' })
    const reply = await call(manager, 'logout', `curfew_session=${token}`)
    expect(reply.status).toBe(503)
    expect(reply.headers.find(([name]) => name === 'Set-Cookie')).toBeUndefined()
    const signOut = await endSession({
      manager,
      request: fakeRequest({
        host: 'localhost',
        headers: { cookie: `curfew_session=${token}`, 'curfew-client': '1' },
      }),
      options: resolveHttpOptions(),
    })
    expect(signOut).toMatchObject({ ok: false, reply: { status: 503 } })
  })
})
