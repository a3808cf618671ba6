import { describe, expect, it } from 'vitest'
import { clearedCookie, cookieSettings, readCookie, sessionCookie } from '../cookie'
import { isLoopbackHost } from '../loopback'
import { resolveHttpOptions } from '../options'

describe('cookieSettings', () => {
  it('uses the __Host- prefix and Secure off loopback by default', () => {
    const settings = cookieSettings(resolveHttpOptions(), { host: 'app.example.com' })
    expect(settings).toEqual({
      name: '__Host-curfew_session',
      secure: true,
      sameSite: 'lax',
      domain: undefined,
    })
  })

  it('drops Secure and the prefix on loopback hosts so local HTTP works', () => {
    for (const host of ['localhost:3000', '127.0.0.1:8080', '[::1]:5173', 'app.localhost']) {
      expect(cookieSettings(resolveHttpOptions(), { host })).toMatchObject({
        name: 'curfew_session',
        secure: false,
      })
    }
  })

  it('uses __Secure- when a domain rules out __Host-', () => {
    const options = resolveHttpOptions({ cookie: { domain: 'example.com' } })
    expect(cookieSettings(options, { host: 'a.example.com' }).name).toBe('__Secure-curfew_session')
  })

  it('forces Secure for SameSite=None even on loopback', () => {
    const options = resolveHttpOptions({ cookie: { sameSite: 'none' } })
    expect(cookieSettings(options, { host: 'localhost' })).toMatchObject({ secure: true })
  })

  it('honours secure: false and a custom name exactly', () => {
    const options = resolveHttpOptions({ cookie: { secure: false, name: 'sid' } })
    expect(cookieSettings(options, { host: 'app.example.com' })).toMatchObject({ name: 'sid', secure: false })
  })
})

describe('isLoopbackHost', () => {
  it('recognises only this machine', () => {
    expect(isLoopbackHost('127.10.0.1')).toBe(true)
    expect(isLoopbackHost('LOCALHOST')).toBe(true)
    expect(isLoopbackHost(undefined)).toBe(false)
    expect(isLoopbackHost('localhost.example.com')).toBe(false)
    expect(isLoopbackHost('[::2]:80')).toBe(false)
    expect(isLoopbackHost('[::1')).toBe(false)
    expect(isLoopbackHost('128.0.0.1')).toBe(false)
  })
})

describe('readCookie', () => {
  it('finds the named cookie among others and unquotes it', () => {
    expect(readCookie('a=1; curfew_session=abc_DEF-1; b=2', 'curfew_session')).toBe('abc_DEF-1')
    expect(readCookie('curfew_session="xyz"', 'curfew_session')).toBe('xyz')
  })

  it('takes the first of duplicate cookies', () => {
    expect(readCookie('curfew_session=first; curfew_session=second', 'curfew_session')).toBe('first')
  })

  it('treats absent and empty values as no cookie', () => {
    expect(readCookie(undefined, 'curfew_session')).toBeUndefined()
    expect(readCookie('other=1; junk', 'curfew_session')).toBeUndefined()
    expect(readCookie('curfew_session=', 'curfew_session')).toBeUndefined()
  })

  it('does not match a cookie whose name merely contains the session name', () => {
    expect(readCookie('__Host-curfew_session=a', 'curfew_session')).toBeUndefined()
  })

  it('cuts hostile lengths just past the longest real token', () => {
    const value = readCookie(`curfew_session=${'a'.repeat(10_000)}`, 'curfew_session')
    expect(value).toHaveLength(513)
  })
})

describe('sessionCookie', () => {
  const settings = cookieSettings(resolveHttpOptions(), { host: 'app.example.com' })

  it('is HttpOnly, Secure, SameSite=Lax, Path=/ and lives until the absolute deadline, rounded down', () => {
    const value = sessionCookie({
      settings,
      token: 'tok',
      status: { serverTime: 1_000, absoluteExpiresAt: 1_000 + 3_600_999 },
      wallNow: Date.UTC(2030, 0, 1),
    })
    expect(value).toBe(
      '__Host-curfew_session=tok; Max-Age=3600; Expires=Tue, 01 Jan 2030 01:00:00 GMT; Path=/; HttpOnly; SameSite=Lax; Secure',
    )
  })

  it('never gets a negative lifetime', () => {
    const value = sessionCookie({ settings, token: 't', status: { serverTime: 10, absoluteExpiresAt: 5 } })
    expect(value).toContain('Max-Age=0')
  })

  it('is cleared with Max-Age=0 and the same attributes', () => {
    expect(clearedCookie({ ...settings, domain: 'example.com' })).toBe(
      '__Host-curfew_session=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; SameSite=Lax; Secure; Domain=example.com',
    )
  })
})

describe('readCookie, read in place', () => {
  // The former reading (split on `;`, trim, first match), kept as the reference.
  function reference(header: string | undefined, name: string): string | undefined {
    if (!header) return undefined
    for (const part of header.split(';')) {
      const eq = part.indexOf('=')
      if (eq < 0 || part.slice(0, eq).trim() !== name) continue
      let value = part.slice(eq + 1).trim()
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
      return value === '' ? undefined : value.slice(0, 513)
    }
    return undefined
  }

  it('reads what the split-and-trim reading read', () => {
    const headers = [
      'curfew_session=abc',
      ' curfew_session = abc ; other=1',
      'a=1;curfew_session="q"',
      'a=1; b; curfew_session=x=y',
      'xcurfew_session=1; curfew_sessionx=2; curfew_session=3',
      'a=1;\u00a0curfew_session\u3000=v',
      'curfew_session=; curfew_session=second',
      'a=b=c;;; ;curfew_session',
      '=curfew_session; curfew_session=ok',
      `curfew_session=${'t'.repeat(600)}`,
      ';',
      '',
    ]
    for (const header of headers) {
      expect(readCookie(header, 'curfew_session'), header).toBe(reference(header, 'curfew_session'))
    }
  })
})
