import { createHmac } from 'node:crypto'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { START } from '../../manager/__tests__/helpers'
import { MemoryReplayStore } from '../../oidc/replayStore'
import { BACKCHANNEL_LOGOUT_EVENT, verifyLogoutToken } from '../verifyLogoutToken'
import { b64, makeKey, rawJwt, serveJwks, type TestKey } from './jwksServer'

const NOW = START / 1000
const now = () => START
const ISS = 'https://idp.example.test'
const CLIENT = 'my-client'
const EVENTS = { [BACKCHANNEL_LOGOUT_EVENT]: {} }

let key: TestKey
let other: TestKey
let jwks: Awaited<ReturnType<typeof serveJwks>>
let counter = 0

beforeAll(async () => {
  key = await makeKey('RS256', 'idp-1')
  other = await makeKey('RS256', 'idp-1')
  jwks = await serveJwks([key])
})
afterAll(() => jwks.close())

function logoutToken(
  claims: Record<string, unknown> = {},
  options: { typ?: string | null; signer?: TestKey } = {},
) {
  const typ = options.typ === undefined ? 'logout+jwt' : options.typ
  const header = { alg: 'RS256', kid: key.kid, ...(typ === null ? {} : { typ }) }
  return new SignJWT({
    iss: ISS,
    aud: CLIENT,
    iat: NOW - 5,
    exp: NOW + 115,
    jti: `jti-${++counter}`,
    sid: 'idp-session-1',
    sub: 'alice',
    events: EVENTS,
    ...claims,
  })
    .setProtectedHeader(header)
    .sign((options.signer ?? key).privateKey)
}

const options = (extra: object = {}) => ({ issuer: ISS, audience: CLIENT, jwks: jwks.url, now, ...extra })

/** Every hostile case: a name and a token (built lazily, after the keys exist). */
const HOSTILE: Array<[string, () => Promise<string> | string]> = [
  ['wrong issuer', () => logoutToken({ iss: 'https://evil.example' })],
  ['wrong audience', () => logoutToken({ aud: 'someone-else' })],
  [
    'alg none',
    () => `${b64({ alg: 'none', typ: 'logout+jwt' })}.${b64({ iss: ISS, aud: CLIENT, sid: 's' })}.`,
  ],
  [
    'HMAC signed with the public key',
    () => {
      const header = b64({ alg: 'HS256', kid: key.kid, typ: 'logout+jwt' })
      const body = b64({ iss: ISS, aud: CLIENT, iat: NOW, exp: NOW + 60, jti: 'h', sid: 's', events: EVENTS })
      const mac = createHmac('sha256', JSON.stringify(key.publicJwk)).update(`${header}.${body}`)
      return `${header}.${body}.${mac.digest('base64url')}`
    },
  ],
  ['signed by another key', () => logoutToken({}, { signer: other })],
  ['missing events', () => logoutToken({ events: undefined })],
  ['events without the logout member', () => logoutToken({ events: { 'urn:other': {} } })],
  [
    'logout event that is not an object',
    () => logoutToken({ events: { [BACKCHANNEL_LOGOUT_EVENT]: 'yes' } }),
  ],
  ['with nonce (an ID token)', () => logoutToken({ nonce: 'n-1', events: undefined }, { typ: 'JWT' })],
  ['with nonce and events', () => logoutToken({ nonce: 'n-1' })],
  ['neither sid nor sub', () => logoutToken({ sid: undefined, sub: undefined })],
  ['no jti', () => logoutToken({ jti: undefined })],
  ['expired', () => logoutToken({ iat: NOW - 300, exp: NOW - 10 })],
  ['iat ten minutes old', () => logoutToken({ iat: NOW - 600, exp: NOW + 600 })],
  ['iat in the future', () => logoutToken({ iat: NOW + 600, exp: NOW + 900 })],
  ['wrong typ', () => logoutToken({}, { typ: 'at+jwt' })],
  ['oversized', async () => logoutToken({ pad: 'x'.repeat(20_000) })],
  ['not a JWT', () => 'definitely-not-a-jwt'],
  ['three garbage parts', () => rawJwt('x', 'y', 'z')],
]

describe('verifyLogoutToken', () => {
  it('accepts a valid logout token and returns its sid and sub', async () => {
    const result = await verifyLogoutToken(await logoutToken(), options())
    expect(result).toMatchObject({ ok: true, payload: { sid: 'idp-session-1', sub: 'alice', iss: ISS } })
  })

  it('accepts a sid-only token, a sub-only token and a token without typ', async () => {
    expect((await verifyLogoutToken(await logoutToken({ sub: undefined }), options())).ok).toBe(true)
    expect((await verifyLogoutToken(await logoutToken({ sid: undefined }), options())).ok).toBe(true)
    expect((await verifyLogoutToken(await logoutToken({}, { typ: null }), options())).ok).toBe(true)
    const full = await logoutToken({}, { typ: 'application/logout+jwt' })
    expect((await verifyLogoutToken(full, options())).ok).toBe(true)
  })

  it('refuses a replayed jti, and only the replay', async () => {
    const replay = new MemoryReplayStore({ now })
    const token = await logoutToken()
    const opts = options({ replay })
    expect((await verifyLogoutToken(token, opts)).ok).toBe(true)
    expect(await verifyLogoutToken(token, opts)).toMatchObject({ ok: false, reason: 'replayed' })
    expect((await verifyLogoutToken(await logoutToken(), opts)).ok).toBe(true)
  })

  it('does not burn the jti of a token refused for another reason', async () => {
    const replay = new MemoryReplayStore({ now })
    const bad = await logoutToken({ jti: 'same', nonce: 'n' })
    const good = await logoutToken({ jti: 'same' })
    expect((await verifyLogoutToken(bad, options({ replay }))).ok).toBe(false)
    expect((await verifyLogoutToken(good, options({ replay }))).ok).toBe(true)
  })

  it('refuses every hostile token with a typed reason and never throws', async () => {
    const replay = new MemoryReplayStore({ now })
    const opts = options({ replay })
    const replayed = await logoutToken()
    await verifyLogoutToken(replayed, opts)
    const cases: Array<[string, string]> = [['replayed jti', replayed]]
    for (const [name, make] of HOSTILE) cases.push([name, await make()])
    const refused: string[] = []
    for (const [name, token] of cases) {
      const result = await verifyLogoutToken(token, opts)
      expect(result.ok, name).toBe(false)
      if (!result.ok) refused.push(`${name}: ${result.reason}`)
    }
    console.log(`hostile logout tokens refused: ${refused.length}/${cases.length}\n  ${refused.join('\n  ')}`)
    expect(refused).toHaveLength(cases.length)
  })

  it('maps the spec failures onto their specific reasons', async () => {
    const reasonOf = async (token: string) => {
      const result = await verifyLogoutToken(token, options())
      return result.ok ? 'ok' : result.reason
    }
    expect(await reasonOf(await logoutToken({ iss: 'https://evil.example' }))).toBe('issuer_mismatch')
    expect(await reasonOf(await logoutToken({ events: { 'urn:x': {} } }))).toBe('events_invalid')
    expect(await reasonOf(await logoutToken({ nonce: 'n' }))).toBe('nonce_present')
    expect(await reasonOf(await logoutToken({ sid: undefined, sub: undefined }))).toBe('claim_missing')
    expect(await reasonOf(await logoutToken({}, { typ: 'JWT' }))).toBe('typ_mismatch')
    expect(await reasonOf(await logoutToken({ iat: NOW + 600, exp: NOW + 900 }))).toBe('not_yet_valid')
    expect(await reasonOf(await logoutToken({ iat: NOW - 600, exp: NOW + 600 }))).toBe('expired')
  })

  it('skips the typ check with typ: false, for IdPs that type logout tokens as JWT', async () => {
    const token = await logoutToken({}, { typ: 'JWT' })
    expect((await verifyLogoutToken(token, options({ typ: false }))).ok).toBe(true)
  })
})
