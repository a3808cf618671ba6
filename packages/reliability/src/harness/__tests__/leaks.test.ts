import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { scanForTokens } from '../leaks'

describe('the token-leak scan', () => {
  const token = randomBytes(32).toString('base64url')
  const bytes = Buffer.from(token, 'base64url')

  it('finds a token written as is, in standard base64, or as hex', () => {
    for (const text of [
      `{"type":"session.rejected","token":"${token}"}`,
      `cookie=${bytes.toString('base64')}`,
      `dump ${bytes.toString('hex')}`,
    ]) {
      expect(scanForTokens([token], [text])).toHaveLength(1)
    }
  })

  it('finds nothing in text that only names the session handle or a hash', () => {
    const texts = ['{"type":"session.created","session":"s_AAAAAAAAAAAAAAAA"}', token.slice(0, 20)]
    expect(scanForTokens([token], texts)).toEqual([])
  })
})
