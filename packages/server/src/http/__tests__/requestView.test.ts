import { formatSessionHeader, type SessionHeader } from '@curfew/core'
import { describe, expect, it } from 'vitest'
import { sessionHeaderValue, withUrl } from '../requestView'
import type { HttpRequestInfo } from '../types'

describe('withUrl', () => {
  it('keeps what a view reads through getters on its prototype (a spread would drop them)', () => {
    class View implements HttpRequestInfo {
      readonly method = 'GET'
      header(name: string) {
        return name === 'cookie' ? 'a=b' : undefined
      }
      get host() {
        return 'app.test'
      }
      get ip() {
        return '192.0.2.1'
      }
      get path() {
        return '/auth/callback'
      }
    }
    const view = new View()
    expect(({ ...view } as Partial<HttpRequestInfo>).host).toBeUndefined()
    const copy = withUrl(view, 'https://app.test/auth/callback?code=x')
    expect(copy).toMatchObject({
      method: 'GET',
      host: 'app.test',
      ip: '192.0.2.1',
      path: '/auth/callback',
      url: 'https://app.test/auth/callback?code=x',
    })
    expect(copy.header('cookie')).toBe('a=b')
  })
})

describe('sessionHeaderValue', () => {
  it('writes what formatSessionHeader writes, with and without a reason', () => {
    const status: SessionHeader = {
      state: 'active',
      serverTime: 1_764_553_200_000,
      expiresAt: 1_764_554_100_000,
      idleExpiresAt: 1_764_554_100_000,
      absoluteExpiresAt: 1_764_596_400_000,
      expiresBy: 'idle',
      session: 's_abcdefghijklmnop',
    }
    expect(sessionHeaderValue(status)).toBe(formatSessionHeader(status))
    const ended: SessionHeader = { ...status, state: 'expired', reason: 'logout', expiresBy: 'absolute' }
    expect(sessionHeaderValue(ended)).toBe(formatSessionHeader(ended))
  })

  it('reuses the value only while every field is the same, whatever happens to the status object', () => {
    const status: SessionHeader = {
      state: 'active',
      serverTime: 1_764_553_200_000,
      expiresAt: 1_764_554_100_000,
      idleExpiresAt: 1_764_554_100_000,
      absoluteExpiresAt: 1_764_596_400_000,
      expiresBy: 'idle',
      session: 's_abcdefghijklmnop',
    }
    const first = sessionHeaderValue(status)
    expect(sessionHeaderValue({ ...status })).toBe(first)
    const changes: Array<Partial<SessionHeader>> = [
      { serverTime: status.serverTime + 1 },
      { expiresAt: status.expiresAt + 1 },
      { idleExpiresAt: status.idleExpiresAt + 1 },
      { absoluteExpiresAt: status.absoluteExpiresAt - 1 },
      { expiresBy: 'absolute' },
      { session: 's_bbbbbbbbbbbbbbbb' },
      { state: 'expired', reason: 'idle' },
      { reason: 'revoked' },
    ]
    for (const change of changes) {
      const next = { ...status, ...change }
      expect(sessionHeaderValue(next)).toBe(formatSessionHeader(next))
      expect(sessionHeaderValue(status)).toBe(first)
    }
    // A handler changing the status it was given does not change what the next request is sent.
    status.serverTime += 5
    expect(sessionHeaderValue(status)).toBe(formatSessionHeader(status))
  })
})
