import { SignJWT } from 'jose'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { HOUR, MINUTE, START, setup } from '../../manager/__tests__/helpers'
import { sessionFromIdToken } from '../sessionFromIdToken'
import { verifyIdToken } from '../verifyIdToken'
import { deadUrl, makeKey, serveJwks, type TestKey } from './jwksServer'

const NOW = START / 1000
const now = () => START
const ISS = 'https://idp.example.test'
const CLIENT = 'my-client'

let key: TestKey
let jwks: Awaited<ReturnType<typeof serveJwks>>

beforeAll(async () => {
  key = await makeKey('RS256', 'idp-1')
  jwks = await serveJwks([key])
})
afterAll(() => jwks.close())

function idToken(claims: Record<string, unknown> = {}, edit: (jwt: SignJWT) => SignJWT = (j) => j) {
  const jwt = new SignJWT({ nonce: 'n-123', auth_time: NOW - 300, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid })
    .setIssuer(ISS)
    .setAudience(CLIENT)
    .setSubject('alice')
    .setIssuedAt(NOW)
    .setExpirationTime(NOW + 600)
  return edit(jwt).sign(key.privateKey)
}

const options = (extra: object = {}) => ({ issuer: ISS, audience: CLIENT, jwks: jwks.url, now, ...extra })

describe('verifyIdToken', () => {
  it('accepts a valid ID token with matching nonce and a recent enough auth_time', async () => {
    const result = await verifyIdToken(await idToken(), options({ nonce: 'n-123', maxAge: '10m' }))
    expect(result).toMatchObject({
      ok: true,
      payload: { sub: 'alice', auth_time: NOW - 300, nonce: 'n-123' },
    })
  })

  it('refuses an authentication older than max_age with auth_too_old', async () => {
    const token = await idToken({ auth_time: NOW - 301 })
    expect(await verifyIdToken(token, options({ maxAge: 300 }))).toMatchObject({ reason: 'auth_too_old' })
    expect((await verifyIdToken(token, options({ maxAge: 301 }))).ok).toBe(true)
    expect((await verifyIdToken(token, options({ maxAge: 300, clockTolerance: 1 }))).ok).toBe(true)
  })

  it('requires auth_time when maxAge is given, and not otherwise', async () => {
    const token = await idToken({ auth_time: undefined })
    expect(await verifyIdToken(token, options({ maxAge: '1h' }))).toMatchObject({ reason: 'claim_missing' })
    expect((await verifyIdToken(token, options())).ok).toBe(true)
  })

  it('refuses an auth_time in the future or of the wrong type', async () => {
    expect(await verifyIdToken(await idToken({ auth_time: NOW + 60 }), options())).toMatchObject({
      reason: 'not_yet_valid',
    })
    expect(await verifyIdToken(await idToken({ auth_time: 'yesterday' }), options())).toMatchObject({
      reason: 'malformed',
    })
  })

  it('refuses a wrong or missing nonce', async () => {
    expect(await verifyIdToken(await idToken(), options({ nonce: 'other' }))).toMatchObject({
      reason: 'nonce_mismatch',
    })
    const noNonce = await idToken({ nonce: undefined })
    expect(await verifyIdToken(noNonce, options({ nonce: 'n-123' }))).toMatchObject({
      reason: 'claim_missing',
    })
  })

  it('refuses tokens for other clients: wrong aud, foreign azp, several audiences without azp', async () => {
    const wrongAud = await idToken({}, (j) => j.setAudience('someone-else'))
    expect(await verifyIdToken(wrongAud, options())).toMatchObject({ reason: 'audience_mismatch' })
    const foreignAzp = await idToken({ azp: 'someone-else' })
    expect(await verifyIdToken(foreignAzp, options())).toMatchObject({ reason: 'audience_mismatch' })
    const several = await idToken({}, (j) => j.setAudience([CLIENT, 'other']))
    expect(await verifyIdToken(several, options())).toMatchObject({ reason: 'audience_mismatch' })
    const severalWithAzp = await idToken({ azp: CLIENT }, (j) => j.setAudience([CLIENT, 'other']))
    expect((await verifyIdToken(severalWithAzp, options())).ok).toBe(true)
  })

  it('refuses a wrong issuer, an expired token and a token from a dead JWKS with typed reasons', async () => {
    const wrongIss = await idToken({}, (j) => j.setIssuer('https://evil.test'))
    expect(await verifyIdToken(wrongIss, options())).toMatchObject({ reason: 'issuer_mismatch' })
    const expired = await idToken({}, (j) => j.setExpirationTime(NOW - 1))
    expect(await verifyIdToken(expired, options())).toMatchObject({ reason: 'expired' })
    const down = options({ jwks: await deadUrl() })
    expect(await verifyIdToken(await idToken(), down)).toMatchObject({ reason: 'jwks_unavailable' })
    expect(await verifyIdToken('garbage', options())).toMatchObject({ reason: 'malformed' })
  })
})

describe('sessionFromIdToken', () => {
  let ctx = setup()
  afterEach(() => ctx.manager.close())

  it("anchors the absolute deadline at the IdP's auth_time", async () => {
    ctx = setup()
    const verified = await verifyIdToken(await idToken({ auth_time: NOW - 20 * 60 }), options())
    if (!verified.ok) throw new Error(verified.reason)
    const { session, status } = await sessionFromIdToken(ctx.manager, verified.payload, {
      data: { via: 'oidc' },
    })
    expect(session).toMatchObject({ subject: 'alice', authTime: START - 20 * MINUTE, data: { via: 'oidc' } })
    expect(status.absoluteExpiresAt).toBe(START - 20 * MINUTE + HOUR)
  })

  it('refuses an IdP authentication already older than the absolute timeout', async () => {
    ctx = setup()
    await expect(
      sessionFromIdToken(ctx.manager, { sub: 'alice', iat: NOW, auth_time: NOW - 3600 }),
    ).rejects.toMatchObject({ code: 'auth_too_old' })
  })

  it('refuses an ID token without auth_time instead of anchoring at iat', async () => {
    ctx = setup()
    await expect(sessionFromIdToken(ctx.manager, { sub: 'alice', iat: NOW - 60 })).rejects.toMatchObject({
      code: 'auth_time_missing',
    })
    expect(await ctx.manager.list('alice')).toEqual([])
  })
})
