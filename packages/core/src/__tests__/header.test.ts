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
    // Strict: an active header carries no `reason` key at all, not `reason: undefined`.
    expect(parseSessionHeader(formatSessionHeader(header))).toStrictEqual(header)
    const expired = { ...header, state: 'expired' as const, reason: 'idle' as const }
    expect(parseSessionHeader(formatSessionHeader(expired))).toStrictEqual(expired)
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
    // each required time missing from an otherwise valid header
    'v=1; s=active; e=2; i=3; a=4; b=idle; h=x',
    'v=1; s=active; t=1; i=3; a=4; b=idle; h=x',
    'v=1; s=active; t=1; e=2; a=4; b=idle; h=x',
    'v=1; s=active; t=1; e=2; i=3; b=idle; h=x',
    // a part that is not key=value, or has no key
    'v=1; s=active; t=1; e=2; i=3; a=4; b=idle; h=x; flag',
    'v=1; s=active; t=1; e=2; i=3; a=4; b=idle; h=x;=y',
    // a handle only partly made of word characters, or too long
    'v=1; s=active; t=1; e=2; i=3; a=4; b=idle; h=<b>x',
    'v=1; s=active; t=1; e=2; i=3; a=4; b=idle; h=x<b>',
    `v=1; s=active; t=1; e=2; i=3; a=4; b=idle; h=${'x'.repeat(65)}`,
  ])('rejects %j as null', (value) => {
    expect(parseSessionHeader(value)).toBeNull()
  })

  it('round-trips a deadline set by the absolute timeout, with every end reason', () => {
    const absolute = { ...header, expiresAt: header.absoluteExpiresAt, expiresBy: 'absolute' as const }
    expect(parseSessionHeader(formatSessionHeader(absolute))).toEqual(absolute)
    for (const reason of [
      'idle',
      'absolute',
      'revoked',
      'logout',
      'renewed',
      'reuse_detected',
      'policy_changed',
      'idp_logout',
      'idp_session_ended',
      'unknown',
      'malformed',
    ] as const) {
      const ended = { ...absolute, state: 'expired' as const, reason }
      expect(parseSessionHeader(formatSessionHeader(ended))).toEqual(ended)
    }
  })

  it('refuses any version but 1 in an otherwise valid header', () => {
    const valid = formatSessionHeader(header)
    expect(parseSessionHeader(valid)).not.toBeNull()
    for (const version of ['0', '2', '', '1.0', '01']) {
      expect(parseSessionHeader(valid.replace('v=1', `v=${version}`))).toBeNull()
    }
  })

  it('accepts a valid header of exactly 512 characters and refuses one of 513', () => {
    // Padding inside the one free-form field a header may carry: spaces around values are trimmed.
    const base = formatSessionHeader(header)
    const at = (length: number) => base.replace('h=h_abc123', `h=${' '.repeat(length - base.length)}h_abc123`)
    expect(at(512)).toHaveLength(512)
    expect(parseSessionHeader(at(512))).toEqual(header)
    expect(parseSessionHeader(at(513))).toBeNull()
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
