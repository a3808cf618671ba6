import fc from 'fast-check'
import type { RawRequest } from '../harness/raw'
import { headerSafe } from './headerSafe'
import { forgedJwt } from './jwtShapes'
import { tokenMutation } from './mutate'

/** One generated request, and whether it presents the bait token intact (the only way to a 2xx). */
export interface FuzzCase {
  request: RawRequest
  carriesBait: boolean
}

const unicode = fc.string({ unit: 'grapheme', maxLength: 40 })
const oversized = fc
  .tuple(fc.constantFrom('A', 'x', '\u00e9', '%', ';', '=', ','), fc.integer({ min: 500, max: 3000 }))
  .map(([char, n]) => char.repeat(n))
const junk = fc.oneof(
  fc.string({ maxLength: 60 }),
  unicode,
  oversized,
  fc.constantFrom('', ' ', '\t', '""', '"'),
)

const COOKIE = 'curfew_session'

/** A cookie value: the bait as a browser sends it, a mutation of it, a JWT, or junk. */
function cookieValue(bait: string): fc.Arbitrary<string> {
  return fc.oneof(fc.constantFrom(bait, `"${bait}"`, ` ${bait} `), tokenMutation(bait), forgedJwt, junk)
}

/** A whole `Cookie` header: several pairs, our name repeated or prefixed, separators mangled. */
function cookieHeader(bait: string): fc.Arbitrary<string> {
  const pair = fc.oneof(
    { weight: 4, arbitrary: cookieValue(bait).map((value) => `${COOKIE}=${value}`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('__Host-curfew_session', 'Curfew_Session', 'curfew_session ', 'other', ''),
          junk,
        )
        .map(([name, value]) => `${name}=${value}`),
    },
    { weight: 1, arbitrary: junk },
  )
  return fc
    .tuple(fc.array(pair, { minLength: 1, maxLength: 4 }), fc.constantFrom('; ', ';', ' ;', ', ', ';;'))
    .map(([pairs, sep]) => pairs.join(sep))
}

/** An `Authorization` header: the bait as bearer, a mutation, a forged JWT, other schemes, junk. */
function authorization(bait: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(`Bearer ${bait}`, `bearer ${bait}`, `BEARER\t${bait}`),
    fc
      .tuple(
        fc.constantFrom('Bearer ', 'bearer ', 'Bearer', 'Basic ', 'Bearer  ', 'Token '),
        tokenMutation(bait),
      )
      .map(([scheme, token]) => `${scheme}${token}`),
    forgedJwt.map((jwt) => `Bearer ${jwt}`),
    junk.map((value) => `Bearer ${value}`),
    junk,
  )
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'] as const
const SESSION_PATHS = [
  '/session',
  '/session/',
  '/session/activity',
  '/session/refresh',
  '/session/logout',
  '/session/policy',
]
// The app's own routes answer 404 to other methods; the adapter's middleware only guards GET there.
const API_PATHS = ['/api/me', '/api/poll', '/api/sensitive']

const target: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(fc.constantFrom(...METHODS), fc.constantFrom(...SESSION_PATHS)),
  fc.tuple(fc.constant('GET'), fc.constantFrom(...API_PATHS)),
  fc.tuple(fc.constant('POST'), fc.constant('/signout')),
)

const jsonBody = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.json().map((text) => text.slice(0, Math.max(1, text.length - 1))),
  fc.constantFrom(
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"x":1}}}',
    '[',
    'null',
    '""',
    '{}',
  ),
  unicode,
  fc.integer({ min: 10_000, max: 200_000 }).map((n) => `"${'x'.repeat(n)}"`),
)

/**
 * Whether a header value holds the bait token intact, delimited by characters that cannot be part of a
 * token. This is the upper bound of what may be accepted; the exact mutations are checked one by one
 * in their own test, where each must be refused.
 */
function intact(value: string, bait: string): boolean {
  let at = value.indexOf(bait)
  while (at >= 0) {
    const before = value[at - 1]
    const after = value[at + bait.length]
    const tokenChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_-]/.test(c)
    if (!tokenChar(before) && !tokenChar(after)) return true
    at = value.indexOf(bait, at + 1)
  }
  return false
}

/** A hostile request against the app: any of the above, in any combination, headers possibly doubled. */
export function fuzzCase(bait: string): fc.Arbitrary<FuzzCase> {
  return fc
    .record(
      {
        target,
        cookie: cookieHeader(bait),
        authorization: authorization(bait),
        passive: fc.oneof(fc.constantFrom('1', '0', 'true', 'false', '', '01', ' 1'), junk),
        sessionHeader: fc.oneof(
          fc.constantFrom('exp=0;idle=0;abs=0;now=0', 'state=active;expiresAt=99999999999999'),
          junk,
        ),
        client: fc.oneof(fc.constant('1'), junk),
        origin: fc.oneof(
          fc.constantFrom('https://evil.example', 'null', 'http://127.0.0.1', 'https://[bad'),
          junk,
        ),
        fetchSite: fc.constantFrom('same-origin', 'cross-site', 'none', 'same-site', '\u00ff'),
        contentType: fc.oneof(
          fc.constantFrom(
            'application/json',
            'application/json; charset=utf-8',
            'text/plain',
            'application/x-www-form-urlencoded',
            'APPLICATION/JSON',
          ),
          junk,
        ),
        body: jsonBody,
        double: fc.subarray([
          'cookie',
          'authorization',
          'curfew-passive',
          'curfew-client',
          'content-type',
          'origin',
        ]),
      },
      { requiredKeys: ['target'] },
    )
    .map((c) => {
      const [method, path] = c.target
      const headers: Array<[string, string]> = []
      const add = (name: string, value: string | undefined) => {
        if (value === undefined) return
        headers.push([name, headerSafe(value)])
        if (c.double?.includes(name)) headers.push([name, headerSafe(value.split('').reverse().join(''))])
      }
      add('cookie', c.cookie)
      add('authorization', c.authorization)
      add('curfew-passive', c.passive)
      add('curfew-session', c.sessionHeader)
      add('curfew-client', c.client)
      add('origin', c.origin)
      add('sec-fetch-site', c.fetchSite)
      // `/signout` is the app's own route: its body parsing is the framework's, not Curfew's.
      const hasBody = method !== 'GET' && method !== 'HEAD' && c.body !== undefined && path !== '/signout'
      if (hasBody) add('content-type', c.contentType)
      return {
        request: { method, path, headers, ...(hasBody ? { body: c.body } : {}) },
        carriesBait: headers.some(
          ([name, value]) => (name === 'cookie' || name === 'authorization') && intact(value, bait),
        ),
      }
    })
}
