import { SESSION_HEADER } from '@curfew/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createRequestAuthenticator, createSessionManager } from '../../index'
import type { SessionManager } from '../../types'
import { fakeRequest } from './helpers'

let now = Date.UTC(2026, 0, 1)
let manager: SessionManager | undefined

afterEach(async () => {
  await manager?.close()
})

async function setup() {
  manager = createSessionManager({ policy: { idleTimeout: '15m', absoluteTimeout: '1h' }, now: () => now })
  const { token } = await manager.create({ subject: 'ada' })
  const authenticate = createRequestAuthenticator(manager)
  const request = (headers: Record<string, string> = {}) =>
    fakeRequest({ host: 'localhost', headers: { cookie: `curfew_session=${token}`, ...headers } })
  return { authenticate, request }
}

describe('createRequestAuthenticator', () => {
  it('passes a live session with the Curfew-Session header, counting the request as activity', async () => {
    const { authenticate, request } = await setup()
    now += 60_000
    const result = await authenticate(request())
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.state.session.subject).toBe('ada')
    expect(result.state.status.idleExpiresAt).toBe(now + 15 * 60_000)
    expect(result.headers).toEqual([[SESSION_HEADER, expect.stringContaining('s=active')]])
  })

  it('extends nothing for a passive request', async () => {
    const { authenticate, request } = await setup()
    const before = await authenticate(request(), { passive: true })
    now += 60_000
    const after = await authenticate(request({ 'curfew-passive': '1' }))
    expect(before.ok && after.ok).toBe(true)
    if (!before.ok || !after.ok) return
    expect(after.state.status.idleExpiresAt).toBe(before.state.status.idleExpiresAt)
  })

  it('answers the complete 401 for a missing or unknown token', async () => {
    const { authenticate } = await setup()
    const missing = await authenticate(fakeRequest({ host: 'localhost' }))
    expect(missing).toMatchObject({ ok: false, reply: { status: 401, body: { error: 'no_session' } } })
    const unknown = await authenticate(
      fakeRequest({ host: 'localhost', headers: { cookie: 'curfew_session=x' } }),
    )
    expect(unknown.ok).toBe(false)
    if (unknown.ok) return
    expect(unknown.reply.status).toBe(401)
    expect(unknown.reply.headers.map(([name]) => name)).toContain('WWW-Authenticate')
  })
})
