import fc from 'fast-check'

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

/** Header fields an attacker plays with: `alg` (none, confusion), `kid` injection, `jku`/`x5u`, `crit`. */
export const jwtHeader = fc.record(
  {
    alg: fc.constantFrom(
      'none',
      'None',
      'NONE',
      'nOnE',
      'HS256',
      'HS512',
      'RS256',
      'ES256',
      'EdDSA',
      'PS256',
      '',
      'hs256',
    ),
    typ: fc.constantFrom('at+jwt', 'JWT', 'jwt', ''),
    kid: fc.oneof(
      fc.constantFrom(
        '../../../../dev/null',
        "' OR '1'='1",
        '$(reboot)',
        'http://127.0.0.1:1/jwks',
        '\u0000',
        'k'.repeat(2000),
        '__proto__',
        'constructor',
      ),
      fc.string({ maxLength: 40 }),
    ),
    jku: fc.constant('http://127.0.0.1:1/jwks.json'),
    crit: fc.constant(['exp']),
    b64: fc.boolean(),
  },
  { requiredKeys: ['alg'] },
)

/** Claims with hostile values: huge, negative, float, non-finite encodings, wrong types, prototypes. */
export const jwtClaims = fc.record(
  {
    sub: fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.constant(null), fc.constant({})),
    sid: fc.oneof(fc.string({ maxLength: 30 }), fc.constant(['s_aaaaaaaaaaaaaaaa'])),
    iat: fc.oneof(fc.integer(), fc.double(), fc.constant(-1), fc.constant('0')),
    exp: fc.oneof(
      fc.constantFrom(1e300, Number.MAX_SAFE_INTEGER, 2 ** 63, -1, -1e300, 0, 1.5, 4102444800.999),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.constant('9999999999'),
    ),
    nbf: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
    auth_time: fc.oneof(fc.integer(), fc.double(), fc.constant(Number.MIN_VALUE), fc.constant(true)),
    curfew_pf: fc.string({ maxLength: 20 }),
    iss: fc.string({ maxLength: 20 }),
    aud: fc.oneof(fc.string({ maxLength: 20 }), fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 })),
  },
  { requiredKeys: [] },
)

/** A JWT-shaped string that no key signed: unsigned, garbage signature, or broken segments. */
export const forgedJwt = fc
  .tuple(jwtHeader, jwtClaims, fc.constantFrom('', 'sig', 'AAAA', '.', '..', 'x'.repeat(400)))
  .map(([header, claims, signature]) => `${b64(header)}.${b64(claims)}.${signature}`)

export { b64 as base64urlJson }
