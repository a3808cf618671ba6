import { describe, expect, it } from 'vitest'
import { readCredentials } from '../credentials'
import { resolveHttpOptions } from '../options'
import { fakeRequest } from './helpers'

const options = resolveHttpOptions()

describe('readCredentials', () => {
  it('reads the cookie under the name that fits the host', () => {
    expect(
      readCredentials(fakeRequest({ headers: { cookie: '__Host-curfew_session=abc' } }), options),
    ).toEqual({
      source: 'cookie',
      token: 'abc',
    })
    const local = fakeRequest({ host: 'localhost:3000', headers: { cookie: 'curfew_session=abc' } })
    expect(readCredentials(local, options)).toEqual({ source: 'cookie', token: 'abc' })
  })

  it('ignores the unprefixed cookie on a secure host (a subdomain could have planted it)', () => {
    const request = fakeRequest({ headers: { cookie: 'curfew_session=planted' } })
    expect(readCredentials(request, options)).toEqual({ source: null, token: undefined })
  })

  it('prefers Authorization: Bearer over the cookie, scheme case-insensitive', () => {
    const request = fakeRequest({
      headers: { authorization: 'bEaReR tok_1', cookie: '__Host-curfew_session=c' },
    })
    expect(readCredentials(request, options)).toEqual({ source: 'bearer', token: 'tok_1' })
  })

  it('turns a malformed bearer value into a token that cannot validate, never a cookie fallback', () => {
    for (const authorization of ['Bearer', 'Bearer ', 'Bearer a b']) {
      const request = fakeRequest({ headers: { authorization, cookie: '__Host-curfew_session=c' } })
      expect(readCredentials(request, options)).toEqual({ source: 'bearer', token: '!' })
    }
  })

  it('leaves other Authorization schemes to the application', () => {
    const request = fakeRequest({
      headers: { authorization: 'Basic dTpw', cookie: '__Host-curfew_session=c' },
    })
    expect(readCredentials(request, options)).toEqual({ source: 'cookie', token: 'c' })
    expect(
      readCredentials(fakeRequest({ headers: { authorization: 'Bearerish x' } }), options).source,
    ).toBeNull()
  })

  it('caps a huge bearer value', () => {
    const request = fakeRequest({ headers: { authorization: `Bearer ${'x'.repeat(5000)}` } })
    expect(readCredentials(request, options).token).toHaveLength(513)
  })
})
