import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatSessionHeader, parseSessionHeader, type SessionHeader } from '../header'

const header: SessionHeader = {
  state: 'active',
  serverTime: 1_700_000_000_000,
  expiresAt: 1_700_000_900_000,
  idleExpiresAt: 1_700_000_900_000,
  absoluteExpiresAt: 1_700_043_200_000,
  expiresBy: 'idle',
  session: 'h_abc123',
}

describe('session header', () => {
  it('round-trips through format and parse', () => {
    expect(parseSessionHeader(formatSessionHeader(header))).toEqual(header)
    const expired = { ...header, state: 'expired' as const, reason: 'idle' as const }
    expect(parseSessionHeader(formatSessionHeader(expired))).toEqual(expired)
  })

  it.each([
    null,
    undefined,
    '',
    'garbage',
    'v=2; s=active',
    'v=1; s=active; t=1; e=2; i=3; a=4; b=idle',
    'v=1; s=maybe; t=1; e=2; i=3; a=4; b=idle; h=x',
    'v=1; s=active; t=-1; e=2; i=3; a=4; b=idle; h=x',
    'v=1; s=active; t=1.5; e=2; i=3; a=4; b=idle; h=x',
    'v=1; s=active; t=1; e=2; i=3; a=4; b=soon; h=x',
    'v=1; s=active; t=1; e=2; i=3; a=4; b=idle; h=<script>',
    'v=1; s=active; t=1; e=2; i=3; a=4; b=idle; h=x; r=bogus',
    'v=1; v=1; s=active; t=1; e=2; i=3; a=4; b=idle; h=x',
    'v=1; s=active; t=99999999999999999999; e=2; i=3; a=4; b=idle; h=x',
    `v=1; s=active; t=1; e=2; i=3; a=4; b=idle; h=${'x'.repeat(600)}`,
    'v=1;; s=active',
  ])('rejects %j as null', (value) => {
    expect(parseSessionHeader(value)).toBeNull()
  })

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 700 }), (value) => {
        const parsed = parseSessionHeader(value)
        expect(parsed === null || typeof parsed.expiresAt === 'number').toBe(true)
      }),
    )
  })
})
