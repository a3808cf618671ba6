import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import { HOUR, MINUTE, START, setup } from '../../manager/__tests__/helpers'
import { verifyAccessToken } from '../verifyAccessToken'

const SECRET = 'a-test-secret-of-at-least-32-bytes!!'
const SEC = (ms: number) => Math.floor(ms / 1000)

describe('manager.issueAccessToken', () => {
  let ctx = setup()
  afterEach(() => ctx.manager.close())

  it('mints an HS256 JWT with sub, sid, iat, auth_time, curfew_pf, iss, aud and a 5 minute exp', async () => {
    ctx = setup({ tokens: { secret: SECRET, issuer: 'https://app.test', audience: 'api' } })
    const { session } = await ctx.manager.create({ subject: 'u1', authTime: START - 10 * MINUTE })
    const jwt = await ctx.manager.issueAccessToken(session)
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'HS256', typ: 'at+jwt' })
    expect(decodeJwt(jwt)).toEqual({
      sub: 'u1',
      sid: session.handle,
      iat: SEC(START),
      exp: SEC(START + 5 * MINUTE),
      auth_time: SEC(START - 10 * MINUTE),
      curfew_pf: ctx.manager.defaultPolicy.fingerprint,
      curfew_policy: 'default',
      iss: 'https://app.test',
      aud: 'api',
    })
    const verified = await verifyAccessToken(jwt, {
      secret: SECRET,
      issuer: 'https://app.test',
      audience: 'api',
      now: ctx.manager.now,
    })
    expect(verified).toMatchObject({ ok: true, payload: { sub: 'u1', sid: session.handle } })
  })

  it('never lets the token outlive the idle deadline', async () => {
    ctx = setup({ tokens: { secret: SECRET, accessTokenTtl: '10m' } })
    const { session } = await ctx.manager.create({ subject: 'u1' })
    ctx.advance(12 * MINUTE) // idle deadline (15m after last activity) is 3 minutes away
    const { exp } = decodeJwt(await ctx.manager.issueAccessToken(session))
    expect(exp).toBe(SEC(START + 15 * MINUTE))
  })

  it('never lets the token outlive the absolute deadline, even right after activity', async () => {
    ctx = setup({ tokens: { secret: SECRET, accessTokenTtl: '10m' } })
    const created = await ctx.manager.create({ subject: 'u1', authTime: START - 58 * MINUTE - 30_500 })
    const result = await ctx.manager.validate(created.token)
    if (!result.ok) throw new Error('expected a live session')
    const { exp, iat } = decodeJwt(await ctx.manager.issueAccessToken(result.session))
    // absolute deadline: authTime + 1h = START + 1m29.5s, rounded down to whole seconds
    expect(exp).toBe(SEC(START + HOUR - 58 * MINUTE - 30_500))
    expect(exp! - iat!).toBe(89)
  })

  it('refuses an expired session with session_expired', async () => {
    ctx = setup({ tokens: { secret: SECRET } })
    const { session } = await ctx.manager.create({ subject: 'u1' })
    ctx.advance(15 * MINUTE)
    await expect(ctx.manager.issueAccessToken(session)).rejects.toMatchObject({ code: 'session_expired' })
    ctx.advance(-1)
    expect(typeof (await ctx.manager.issueAccessToken(session))).toBe('string')
  })

  it('refuses a session of a tier that no longer exists', async () => {
    ctx = setup({ tokens: { secret: SECRET } })
    const { session } = await ctx.manager.create({ subject: 'u1' })
    await expect(ctx.manager.issueAccessToken({ ...session, policy: 'gone' })).rejects.toMatchObject({
      code: 'session_expired',
    })
  })

  it('signs with an EdDSA, ES256 or RS256 private key and puts the kid in the header', async () => {
    for (const alg of ['EdDSA', 'ES256', 'RS256'] as const) {
      const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
      const jwk = await exportJWK(privateKey)
      for (const key of [privateKey, jwk]) {
        ctx = setup({ tokens: { privateKey: key, kid: `${alg}-1` } })
        const { session } = await ctx.manager.create({ subject: 'u1' })
        const jwt = await ctx.manager.issueAccessToken(session)
        expect(decodeProtectedHeader(jwt)).toEqual({ alg, kid: `${alg}-1`, typ: 'at+jwt' })
        const publicJwk = { ...(await exportJWK(publicKey)), kid: `${alg}-1` }
        const verified = await verifyAccessToken(jwt, { jwks: { keys: [publicJwk] }, now: ctx.manager.now })
        expect(verified.ok).toBe(true)
        await ctx.manager.close()
      }
    }
  })

  it('refuses to start with bad token options', async () => {
    const { publicKey } = await generateKeyPair('ES256')
    const bad = [
      { secret: 'short' },
      {},
      { secret: SECRET, privateKey: await exportJWK(publicKey) },
      { privateKey: await exportJWK(publicKey) },
      { privateKey: publicKey },
      { secret: SECRET, algorithm: 'RS256' as const },
      { secret: SECRET, accessTokenTtl: '1ms' },
      { secret: SECRET, kid: '' },
    ]
    for (const tokens of bad) {
      expect(() => setup({ tokens }), JSON.stringify(tokens)).toThrow(
        expect.objectContaining({ code: 'invalid_option' }),
      )
    }
  })

  it('still refuses with invalid_option when tokens are not configured', async () => {
    ctx = setup()
    const { session } = await ctx.manager.create({ subject: 'u1' })
    await expect(ctx.manager.issueAccessToken(session)).rejects.toMatchObject({ code: 'invalid_option' })
  })
})
