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
})
