import { describe, expect, it } from 'vitest'
import { CurfewError, isCurfewError } from '../errors'

describe('CurfewError', () => {
  it('carries a stable code, its name and the cause', () => {
    const cause = new Error('root')
    const error = new CurfewError({ code: 'store_unavailable', message: 'Redis is down', cause })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('CurfewError')
    expect(error.code).toBe('store_unavailable')
    expect(error.cause).toBe(cause)
    expect(isCurfewError(error)).toBe(true)
    expect(isCurfewError(error, 'store_unavailable')).toBe(true)
    expect(isCurfewError(error, 'invalid_policy')).toBe(false)
  })

  it('omits cause when none is given', () => {
    expect('cause' in new CurfewError({ code: 'invalid_policy', message: 'x' })).toBe(false)
  })

  it('recognises errors from another copy of the package by shape', () => {
    expect(isCurfewError({ name: 'CurfewError', code: 'invalid_policy' })).toBe(true)
    expect(isCurfewError(new Error('x'))).toBe(false)
    expect(isCurfewError(null)).toBe(false)
  })
})
