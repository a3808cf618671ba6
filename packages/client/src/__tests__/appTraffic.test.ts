import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { closeNotice, endNotice } from '../appTraffic'
import { clientFor, settle, startServer } from './harness'

const T0 = Date.UTC(2026, 0, 1, 12)

beforeEach(() => {
  vi.useFakeTimers({ now: T0 })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('end notices of sockets and streams', () => {
  it('reads close code 4401 as the end of the session, with the close reason as the end reason', () => {
    expect(closeNotice({ code: 4401, reason: 'idp_logout' }, T0)).toEqual({
      state: 'expired',
      reason: 'idp_logout',
      serverTime: T0,
    })
    expect(closeNotice({ code: 1000, reason: 'idle' }, T0)).toBeNull()
    expect(closeNotice({ code: 1006, reason: '' }, T0)).toBeNull()
  })

  it('accepts only reason-shaped words from the network', () => {
    expect(endNotice('absolute', T0)?.reason).toBe('absolute')
    expect(endNotice(undefined, T0)?.reason).toBe('unknown')
    expect(endNotice('<img src=x>', T0)?.reason).toBe('unknown')
    expect(endNotice('', T0)?.reason).toBe('unknown')
  })
})

describe('handleClose and handleExpired', () => {
  it('ends the session on a WebSocket closed with 4401, and says it was a Curfew end', async () => {
    const server = await startServer()
    const onExpired = vi.fn()
    const client = clientFor(server, { onExpired })
    client.start()
    await settle()
    expect(client.handleClose({ code: 1001, reason: 'going away' })).toBe(false)
    expect(client.getSnapshot().status).toBe('active')
    expect(client.handleClose({ code: 4401, reason: 'revoked' })).toBe(true)
    expect(client.getSnapshot()).toMatchObject({ status: 'expired', reason: 'revoked', canExtend: false })
    expect(onExpired).toHaveBeenCalledTimes(1)
    // Like after a 401: no timer, no request follows.
    const sent = server.requests.length
    await vi.advanceTimersByTimeAsync(600_000)
    expect(server.requests).toHaveLength(sent)
    await client.stop()
  })

  it('ends the session on a server-sent or Socket.IO end event, with its reason or unknown', async () => {
    const server = await startServer()
    const client = clientFor(server)
    client.start()
    await settle()
    client.handleExpired('logout')
    expect(client.getSnapshot()).toMatchObject({ status: 'expired', reason: 'logout' })
    const other = clientFor(server)
    other.start()
    await settle()
    other.handleExpired()
    expect(other.getSnapshot()).toMatchObject({ status: 'expired', reason: 'unknown' })
    await client.stop()
    await other.stop()
  })

  it('ends a session that had no answer yet, so a page that never heard from the server still stops', async () => {
    const server = await startServer()
    const client = clientFor(server)
    client.handleExpired('idle')
    expect(client.getSnapshot()).toMatchObject({ status: 'expired', reason: 'idle' })
    await client.stop()
  })
})
