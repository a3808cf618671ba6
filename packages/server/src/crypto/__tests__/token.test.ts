import { describe, expect, it } from 'vitest'
import {
  deriveSuccessor,
  generateHandle,
  generateNonce,
  generateToken,
  hashToken,
  isWellFormedHandle,
  isWellFormedToken,
} from '../token'

describe('tokens', () => {
  it('are 256-bit base64url strings, all different', () => {
    const tokens = new Set(Array.from({ length: 1000 }, generateToken))
    expect(tokens.size).toBe(1000)
    for (const token of tokens) {
      expect(isWellFormedToken(token)).toBe(true)
      expect(Buffer.from(token, 'base64url')).toHaveLength(32)
    }
  })

  it('hash to a base64url SHA-256 that differs from the token', () => {
    const token = generateToken()
    expect(hashToken(token)).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(hashToken(token)).not.toBe(token)
    expect(hashToken(token)).toBe(hashToken(token))
  })

  it('derive one successor per token and nonce, well formed, and a different one per nonce', () => {
    const token = generateToken()
    const nonce = generateNonce()
    const successor = deriveSuccessor({ token, nonce })
    expect(isWellFormedToken(successor)).toBe(true)
    expect(deriveSuccessor({ token, nonce })).toBe(successor)
    expect(deriveSuccessor({ token, nonce: generateNonce() })).not.toBe(successor)
    expect(deriveSuccessor({ token: generateToken(), nonce })).not.toBe(successor)
  })

  it('tell handles from tokens', () => {
    const handle = generateHandle()
    expect(isWellFormedHandle(handle)).toBe(true)
    expect(isWellFormedToken(handle)).toBe(false)
    expect(isWellFormedHandle(generateToken())).toBe(false)
  })
})
