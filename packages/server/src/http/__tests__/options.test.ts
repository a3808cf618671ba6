import { isCurfewError } from '@curfew/core'
import { describe, expect, it } from 'vitest'
import { resolveHttpOptions } from '../options'

function code(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    return isCurfewError(error) ? error.code : 'other'
  }
  return undefined
}

describe('resolveHttpOptions', () => {
  it('applies safe defaults', () => {
    const resolved = resolveHttpOptions()
    expect(resolved).toMatchObject({ bodyLimit: 4096, realm: 'curfew' })
    expect(resolved.cookie).toEqual({ name: undefined, secure: 'auto', sameSite: 'lax', domain: undefined })
  })

  it('normalises allowed origins', () => {
    const resolved = resolveHttpOptions({ allowedOrigins: ['HTTPS://App.Example.com:443/'] })
    expect([...resolved.allowedOrigins]).toEqual(['https://app.example.com'])
  })

  it('refuses settings that would weaken or break the cookie, at setup', () => {
    expect(code(() => resolveHttpOptions({ cookie: { sameSite: 'none', secure: false } }))).toBe(
      'invalid_option',
    )
    expect(code(() => resolveHttpOptions({ cookie: { name: 'bad name' } }))).toBe('invalid_option')
    expect(code(() => resolveHttpOptions({ cookie: { domain: 'ex ample.com' } }))).toBe('invalid_option')
    expect(code(() => resolveHttpOptions({ cookie: { sameSite: 'lenient' as 'lax' } }))).toBe(
      'invalid_option',
    )
    expect(code(() => resolveHttpOptions({ cookie: { secure: 'yes' as 'auto' } }))).toBe('invalid_option')
    expect(code(() => resolveHttpOptions({ allowedOrigins: ['not a url'] }))).toBe('invalid_option')
    expect(code(() => resolveHttpOptions({ allowedOrigins: ['file:///tmp'] }))).toBe('invalid_option')
    expect(code(() => resolveHttpOptions({ bodyLimit: -1 }))).toBe('invalid_option')
    expect(code(() => resolveHttpOptions({ realm: 'a"b' }))).toBe('invalid_option')
  })
})
