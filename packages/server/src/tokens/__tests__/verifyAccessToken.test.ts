import { exportSPKI, SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAccessTokenVerifier, verifyAccessToken } from '../verifyAccessToken'
import { deadUrl, makeKey, rawJwt, serveJwks, type TestKey } from './jwksServer'

const NOW = Date.UTC(2026, 0, 1) / 1000
const now = () => NOW * 1000
const ISS = 'https://app.example.test'
const AUD = 'api'
const claims = { sid: 's_handle', auth_time: NOW - 60, curfew_pf: 'pf1' }

let rs: TestKey
let es: TestKey
let ed: TestKey
let stranger: TestKey
let jwks: Awaited<ReturnType<typeof serveJwks>>

beforeAll(async () => {
  ;[rs, es, ed, stranger] = await Promise.all([
    makeKey('RS256', 'rs-1'),
    makeKey('ES256', 'es-1'),
    makeKey('EdDSA', 'ed-1'),
    makeKey('RS256', 'rs-1'),
  ])
  jwks = await serveJwks([rs, es, ed])
})
afterAll(() => jwks.close())

function sign(key: TestKey, edit: (jwt: SignJWT) => SignJWT = (j) => j, header: object = {}) {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header })
    .setSubject('user-1')
    .setIssuedAt(NOW)
    .setExpirationTime(NOW + 300)
    .setIssuer(ISS)
    .setAudience(AUD)
  return edit(jwt).sign(key.privateKey)
}

const remote = () => ({ jwks: jwks.url, issuer: ISS, audience: AUD, now })

describe('verifyAccessToken against a real JWKS endpoint', () => {
  it('accepts valid RS256, ES256 and EdDSA tokens and returns the Curfew claims', async () => {
    const options = remote()
    for (const key of [rs, es, ed]) {
      const result = await verifyAccessToken(await sign(key), options)
      expect(result).toEqual({
        ok: true,
        payload: expect.objectContaining({
          sub: 'user-1',
          sid: 's_handle',
          auth_time: NOW - 60,
          curfew_pf: 'pf1',
        }),
      })
    }
  })

  it('fetches the key set once and reuses it across calls and fresh options objects', async () => {
    const before = jwks.requests()
    for (let i = 0; i < 5; i++) expect((await verifyAccessToken(await sign(es), remote())).ok).toBe(true)
    expect(jwks.requests() - before).toBeLessThanOrEqual(1)
  })

  it('refuses alg "none" with alg_not_allowed', async () => {
    const token = rawJwt({ alg: 'none', typ: 'at+jwt' }, { sub: 'u', ...claims, iat: NOW, exp: NOW + 60 })
    expect(await verifyAccessToken(token, remote())).toMatchObject({ ok: false, reason: 'alg_not_allowed' })
  })

  it('refuses HS/RS confusion: an HS256 token keyed with the RS public key', async () => {
    const pem = await exportSPKI(rs.publicKey)
    const forged = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'HS256', kid: rs.kid, typ: 'at+jwt' })
      .setSubject('admin')
      .setIssuedAt(NOW)
      .setExpirationTime(NOW + 60)
      .setIssuer(ISS)
      .setAudience(AUD)
      .sign(new TextEncoder().encode(pem))
    expect(await verifyAccessToken(forged, remote())).toMatchObject({ ok: false, reason: 'alg_not_allowed' })
    const withPublicKey = { publicKey: rs.publicJwk, issuer: ISS, audience: AUD, now }
    expect(await verifyAccessToken(forged, withPublicKey)).toMatchObject({ reason: 'alg_not_allowed' })
    // and a service that would (wrongly) configure the PEM as its HMAC secret is refused at start-up
    expect(() => createAccessTokenVerifier({ secret: pem, issuer: ISS })).toThrow(
      expect.objectContaining({ code: 'invalid_option' }),
    )
  })

  it('refuses an RS256 token when only a secret is configured', async () => {
    const options = { secret: 'x'.repeat(32), issuer: ISS, audience: AUD, now }
    expect(await verifyAccessToken(await sign(rs), options)).toMatchObject({ reason: 'alg_not_allowed' })
  })

  it('refuses a wrong issuer and a wrong audience with their reasons', async () => {
    const wrongIss = await sign(es, (j) => j.setIssuer('https://evil.test'))
    const wrongAud = await sign(es, (j) => j.setAudience('other-api'))
    expect(await verifyAccessToken(wrongIss, remote())).toMatchObject({ reason: 'issuer_mismatch' })
    expect(await verifyAccessToken(wrongAud, remote())).toMatchObject({ reason: 'audience_mismatch' })
  })

  it('refuses a tampered payload and a tampered signature with signature_invalid', async () => {
    const [h, p, s] = (await sign(rs)).split('.') as [string, string, string]
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString())
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: 'admin' })).toString('base64url')}.${s}`
    expect(await verifyAccessToken(tampered, remote())).toMatchObject({ reason: 'signature_invalid' })
    const flipped = `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`
    expect(await verifyAccessToken(flipped, remote())).toMatchObject({ reason: 'signature_invalid' })
  })

  it('refuses a token signed by a different key under a known kid', async () => {
    const token = await sign(stranger)
    expect(await verifyAccessToken(token, remote())).toMatchObject({ reason: 'signature_invalid' })
  })

  it('refuses a future nbf with not_yet_valid, and accepts it within the clock tolerance', async () => {
    const token = await sign(es, (j) => j.setNotBefore(NOW + 20))
    expect(await verifyAccessToken(token, remote())).toMatchObject({ reason: 'not_yet_valid' })
    expect((await verifyAccessToken(token, { ...remote(), clockTolerance: '30s' })).ok).toBe(true)
  })

  it('refuses an expired token with expired, exactly from its exp second', async () => {
    const token = await sign(es, (j) => j.setExpirationTime(NOW))
    expect(await verifyAccessToken(token, remote())).toMatchObject({ reason: 'expired' })
    const later = await sign(es, (j) => j.setExpirationTime(NOW + 1))
    expect((await verifyAccessToken(later, remote())).ok).toBe(true)
  })

  it('answers key_not_found for an unknown kid, including path- and SQL-like kids', async () => {
    for (const kid of ['nope', '../../etc/passwd', "' OR 1=1 --", 'x'.repeat(2000)]) {
      const token = await sign(es, (j) => j, { kid })
      expect(await verifyAccessToken(token, remote())).toMatchObject({ ok: false, reason: 'key_not_found' })
    }
  })

  it('answers jwks_unavailable when the JWKS server is down or answers garbage', async () => {
    const token = await sign(es)
    const down = { jwks: await deadUrl(), issuer: ISS, audience: AUD, now }
    expect(await verifyAccessToken(token, down)).toMatchObject({ ok: false, reason: 'jwks_unavailable' })
    const notFound = { jwks: jwks.url.replace('/jwks.json', '/missing'), issuer: ISS, audience: AUD, now }
    expect(await verifyAccessToken(token, notFound)).toMatchObject({ reason: 'jwks_unavailable' })
  })

  it('never throws for hostile input: junk, huge strings, non-strings, bad base64 and bad JSON', async () => {
    const verify = createAccessTokenVerifier(remote())
    const inputs: unknown[] = [
      '',
      'a.b.c',
      '....',
      'x'.repeat(1_000_000),
      `${'a'.repeat(10_000)}.${'b'.repeat(10_000)}.c`,
      rawJwt('not an object', {}),
      `${Buffer.from('{').toString('base64url')}.e30.`,
      null,
      undefined,
      42,
      { toString: () => 'a.b.c' },
      ['a', 'b'],
    ]
    for (const input of inputs) {
      const result = await verify(input)
      expect(result).toMatchObject({ ok: false, reason: expect.toBeOneOf(['malformed', 'alg_not_allowed']) })
    }
  })

  it('treats negative, float and huge exp by their value, and a non-numeric exp as malformed', async () => {
    const options = remote()
    const make = (exp: number | string) =>
      new SignJWT({ ...claims, exp } as never)
        .setProtectedHeader({ alg: 'ES256', kid: es.kid, typ: 'at+jwt' })
        .setSubject('user-1')
        .setIssuedAt(NOW)
        .setIssuer(ISS)
        .setAudience(AUD)
        .sign(es.privateKey)
    expect(await verifyAccessToken(await make(-1), options)).toMatchObject({ reason: 'expired' })
    expect(await verifyAccessToken(await make(NOW - 0.5), options)).toMatchObject({ reason: 'expired' })
    expect((await verifyAccessToken(await make(NOW + 0.5), options)).ok).toBe(true)
    expect((await verifyAccessToken(await make(1e300), options)).ok).toBe(true)
    expect(await verifyAccessToken(await make('soon'), options)).toMatchObject({ reason: 'malformed' })
  })

  it('requires the Curfew claims with claim_missing, and extra requiredClaims when asked', async () => {
    const noSid = await new SignJWT({ auth_time: NOW, curfew_pf: 'pf' })
      .setProtectedHeader({ alg: 'EdDSA', kid: ed.kid, typ: 'at+jwt' })
      .setSubject('u')
      .setIssuedAt(NOW)
      .setExpirationTime(NOW + 60)
      .setIssuer(ISS)
      .setAudience(AUD)
      .sign(ed.privateKey)
    expect(await verifyAccessToken(noSid, remote())).toMatchObject({ reason: 'claim_missing' })
    const token = await sign(ed)
    expect(await verifyAccessToken(token, { ...remote(), requiredClaims: ['scope'] })).toMatchObject({
      reason: 'claim_missing',
    })
  })

  it('refuses a token of another type (an ID token replayed as an access token)', async () => {
    const token = await sign(es, (j) => j, { typ: 'JWT' })
    expect(await verifyAccessToken(token, remote())).toMatchObject({ ok: false, reason: 'malformed' })
    expect((await verifyAccessToken(token, { ...remote(), typ: false })).ok).toBe(true)
  })

  it('verifies against a local key set and a single public key, deriving the allow-list from the key', async () => {
    const token = await sign(ed)
    const local = { jwks: { keys: [ed.publicJwk] }, issuer: ISS, audience: AUD, now }
    expect((await verifyAccessToken(token, local)).ok).toBe(true)
    expect(await verifyAccessToken(await sign(es), local)).toMatchObject({ reason: 'alg_not_allowed' })
    const single = { publicKey: ed.publicKey, issuer: ISS, audience: AUD, now }
    expect((await verifyAccessToken(token, single)).ok).toBe(true)
  })

  it('refuses misconfiguration loudly: none, cross-family algorithms, short secrets, huge tolerance', () => {
    const base = { issuer: ISS, audience: AUD }
    const bad: object[] = [
      { ...base, jwks: jwks.url, algorithms: ['none'] },
      { ...base, jwks: jwks.url, algorithms: ['HS256'] },
      { ...base, secret: 'x'.repeat(32), algorithms: ['RS256'] },
      { ...base, secret: 'short' },
      { ...base, jwks: jwks.url, clockTolerance: 301 },
      { ...base, jwks: jwks.url, clockTolerance: '10m' },
      { ...base },
      { ...base, secret: 'x'.repeat(32), jwks: jwks.url },
      { ...base, jwks: 'ftp://example.test/jwks' },
      { ...base, publicKey: rs.privateKey },
    ]
    for (const options of bad) {
      expect(() => createAccessTokenVerifier(options), JSON.stringify(Object.keys(options))).toThrow(
        expect.objectContaining({ code: 'invalid_option' }),
      )
    }
  })
})
