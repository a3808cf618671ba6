import { describe, expect, it } from 'vitest'
import {
  deriveSuccessor,
  generateHandle,
  generateNonce,
  generateToken,
  handleOf,
  hashToken,
  isWellFormedHandle,
  isWellFormedToken,
  subjectTag,
} from '../token'

const fresh = (subject = 'user-1') => generateToken({ handle: generateHandle({ subject }) })

describe('tokens', () => {
  it('are a handle and a 256-bit base64url secret, all different', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => fresh()))
    expect(tokens.size).toBe(1000)
    for (const token of tokens) {
      expect(isWellFormedToken(token)).toBe(true)
      const [handle, secret] = token.split('.')
      expect(isWellFormedHandle(handle)).toBe(true)
      expect(Buffer.from(secret!, 'base64url')).toHaveLength(32)
    }
  })

  it('still parse in the legacy form (the bare secret), which names no handle', () => {
    const legacy = fresh().split('.')[1]!
    expect(isWellFormedToken(legacy)).toBe(true)
    expect(handleOf(legacy)).toBeUndefined()
    expect(hashToken(legacy)).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('hash to the handle and a base64url SHA-256 that differs from the token', () => {
    const token = fresh()
    const handle = handleOf(token)!
    expect(hashToken(token)).toMatch(/^s_[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/)
    expect(hashToken(token).startsWith(`${handle}.`)).toBe(true)
    expect(hashToken(token)).not.toBe(token)
    expect(hashToken(token)).toBe(hashToken(token))
    expect(handleOf(hashToken(token))).toBe(handle)
  })

  it("carry the subject's tag in the handle: one tag per subject, spread over many", () => {
    const a = generateHandle({ subject: 'alice' })
    const b = generateHandle({ subject: 'alice' })
    expect(a).not.toBe(b)
    expect(a.slice(2, 6)).toBe(subjectTag('alice'))
    expect(b.slice(2, 6)).toBe(subjectTag('alice'))
    const tags = new Set(Array.from({ length: 1000 }, (_, i) => subjectTag(`user-${i}`)))
    expect(tags.size).toBeGreaterThan(990)
  })

  it('derive one successor per token and nonce, same handle, well formed, and a different one per nonce', () => {
    const token = fresh()
    const nonce = generateNonce()
    const successor = deriveSuccessor({ token, nonce })
    expect(isWellFormedToken(successor)).toBe(true)
    expect(handleOf(successor)).toBe(handleOf(token))
    expect(deriveSuccessor({ token, nonce })).toBe(successor)
    expect(deriveSuccessor({ token, nonce: generateNonce() })).not.toBe(successor)
    expect(deriveSuccessor({ token: fresh(), nonce })).not.toBe(successor)
  })

  it('tell handles from tokens', () => {
    const handle = generateHandle({ subject: 'u' })
    expect(isWellFormedHandle(handle)).toBe(true)
    expect(isWellFormedToken(handle)).toBe(false)
    expect(isWellFormedHandle(fresh())).toBe(false)
    expect(isWellFormedToken(`${handle}.short`)).toBe(false)
  })
})
