import fc from 'fast-check'

/**
 * Variants of a real token that must never be accepted: cut short, one character changed, padded,
 * re-encoded (standard base64, percent-encoding, hex), doubled, case-flipped, wrapped in junk.
 */
export function tokenMutation(token: string): fc.Arbitrary<string> {
  const bytes = Buffer.from(token, 'base64url')
  return fc.oneof(
    fc.nat({ max: token.length - 1 }).map((n) => token.slice(0, n)),
    fc.nat({ max: token.length - 2 }).map((n) => token.slice(n + 1)),
    fc
      .tuple(fc.nat({ max: token.length - 1 }), fc.constantFrom(...'AaZz09-_+/=.~%'))
      .filter(([at, char]) => token[at] !== char)
      .map(([at, char]) => `${token.slice(0, at)}${char}${token.slice(at + 1)}`),
    fc.constant(`${token}=`),
    fc.constant(`${token}==`),
    fc.constant(bytes.toString('base64')),
    fc.constant(bytes.toString('hex')),
    fc.constant(encodeURIComponent(`${token}=`)),
    fc.constant(token.replace(/./, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)),
    fc.constant(`${token}${token}`),
    fc.constant(token.toUpperCase()),
    fc.constant(token.toLowerCase()),
    fc.string({ maxLength: 8 }).map((junk) => `${junk}${token}\u0000`),
    fc.string({ minLength: 1, maxLength: 8 }).map((junk) => `${token}${junk}`),
    fc.constant(`${token.slice(0, 42)}\u00e9`),
    fc.constant(`${token.slice(0, 21)} ${token.slice(21)}`),
  )
}
