import { describe, expect, it } from 'vitest'
import { isCrossSiteForgery, isCrossSiteFormPost } from '../csrf'
import { resolveHttpOptions } from '../options'
import { fakeRequest } from './helpers'

const options = resolveHttpOptions({ allowedOrigins: ['https://spa.example.net'] })
const post = (headers: Record<string, string>, host = 'app.example.com') =>
  fakeRequest({ method: 'POST', host, headers })

describe('isCrossSiteForgery', () => {
  it('allows bearer requests: there is no ambient credential to forge', () => {
    expect(isCrossSiteForgery(post({ origin: 'https://evil.example' }), options, 'bearer')).toBe(false)
  })

  it('allows requests carrying Curfew-Client', () => {
    expect(isCrossSiteForgery(post({ 'curfew-client': '1' }), options, 'cookie')).toBe(false)
    expect(
      isCrossSiteForgery(post({ 'curfew-client': '1', 'sec-fetch-site': 'same-site' }), options, 'cookie'),
    ).toBe(false)
  })

  it('refuses Curfew-Client when the browser says cross-site from an origin not allowed', () => {
    const headers = { 'curfew-client': '1', 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }
    expect(isCrossSiteForgery(post(headers), options, 'cookie')).toBe(true)
    const allowed = { ...headers, origin: 'https://spa.example.net' }
    expect(isCrossSiteForgery(post(allowed), options, 'cookie')).toBe(false)
  })

  it('allows the server’s own origin, default ports included, and listed origins', () => {
    expect(isCrossSiteForgery(post({ origin: 'https://app.example.com' }), options, 'cookie')).toBe(false)
    expect(
      isCrossSiteForgery(
        post({ origin: 'https://app.example.com' }, 'app.example.com:443'),
        options,
        'cookie',
      ),
    ).toBe(false)
    expect(isCrossSiteForgery(post({ origin: 'https://spa.example.net' }), options, null)).toBe(false)
  })

  it('refuses other origins, opaque origins and garbage, whatever Sec-Fetch-Site claims', () => {
    for (const origin of [
      'https://evil.example',
      'null',
      'not a url',
      'https://app.example.com.evil.example',
    ]) {
      expect(isCrossSiteForgery(post({ origin, 'sec-fetch-site': 'same-origin' }), options, 'cookie')).toBe(
        true,
      )
    }
    expect(isCrossSiteForgery(post({ origin: 'http://app.example.com:8080' }), options, 'cookie')).toBe(true)
  })

  it('without Origin, trusts only Sec-Fetch-Site: same-origin', () => {
    expect(isCrossSiteForgery(post({ 'sec-fetch-site': 'same-origin' }), options, 'cookie')).toBe(false)
    expect(isCrossSiteForgery(post({ 'sec-fetch-site': 'same-site' }), options, 'cookie')).toBe(true)
    expect(isCrossSiteForgery(post({}), options, 'cookie')).toBe(true)
  })

  it('refuses an Origin when the host is unknown or unparsable', () => {
    const request = { ...post({ origin: 'https://app.example.com' }), host: undefined }
    expect(isCrossSiteForgery(request, options, 'cookie')).toBe(true)
    expect(
      isCrossSiteForgery(post({ origin: 'https://app.example.com' }, 'bad host'), options, 'cookie'),
    ).toBe(true)
  })
})

describe('isCrossSiteFormPost (the public rule for HTML forms, as @curfew/gateway uses it)', () => {
  const allowedOrigins = new Set(['https://spa.example.net'])
  const form = (origin: string | undefined, fetchSite?: string) =>
    isCrossSiteFormPost({ origin, fetchSite, host: 'app.example.com', allowedOrigins })

  it('accepts the addressed host’s own origin and listed origins', () => {
    expect(form('https://app.example.com')).toBe(false)
    expect(form('https://app.example.com:443')).toBe(false)
    expect(form('https://spa.example.net')).toBe(false)
  })

  it('refuses foreign, opaque (null) and malformed origins', () => {
    expect(form('https://evil.example')).toBe(true)
    expect(form('null')).toBe(true)
    expect(form('not a url')).toBe(true)
  })

  it('without Origin, accepts only what the browser calls same-origin', () => {
    expect(form(undefined, 'same-origin')).toBe(false)
    expect(form(undefined, 'Same-Origin')).toBe(false)
    expect(form(undefined, 'same-site')).toBe(true)
    expect(form(undefined)).toBe(true)
  })
})
