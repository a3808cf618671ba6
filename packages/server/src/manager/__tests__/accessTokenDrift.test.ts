import { createPrivateKey } from 'node:crypto'
import { exportJWK, exportPKCS8, generateKeyPair } from 'jose'
import { afterEach, describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../audit/events'
import { createSessionManager } from '../createSessionManager'
import type { SessionManagerOptions } from '../options'
import { MINUTE, START, setup } from './helpers'

const SECRET = 'a-test-secret-of-at-least-32-bytes!!'
const tokens = { secret: SECRET, issuer: 'https://app.test', audience: 'api' }

describe('manager.verifyAccessToken', () => {
  const managers: { close(): Promise<void> }[] = []
  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.close()))
  })
  const make = (options: Partial<SessionManagerOptions>) => {
    const ctx = setup(options)
    managers.push(ctx.manager)
    return ctx
  }

  it("verifies the manager's own tokens with its secret, issuer and audience, on its clock", async () => {
    const { manager, advance } = make({ tokens })
    const { session } = await manager.create({ subject: 'u1' })
    const jwt = await manager.issueAccessToken(session)
    expect(await manager.verifyAccessToken(jwt)).toMatchObject({
      ok: true,
      payload: { sub: 'u1', sid: session.handle, curfew_policy: 'default' },
    })
    advance(5 * MINUTE)
    expect(await manager.verifyAccessToken(jwt)).toMatchObject({ ok: false, reason: 'expired' })
    expect(await manager.verifyAccessToken('junk')).toMatchObject({ ok: false, reason: 'malformed' })
  })

  it('verifies with the public half of a private JWK, an extractable CryptoKey or a KeyObject', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true })
    const keyObject = createPrivateKey(await exportPKCS8(privateKey))
    for (const key of [await exportJWK(privateKey), privateKey, keyObject]) {
      const { manager } = make({ tokens: { privateKey: key, kid: 'k1' } })
      const { session } = await manager.create({ subject: 'u1' })
      expect((await manager.verifyAccessToken(await manager.issueAccessToken(session))).ok).toBe(true)
    }
  })

  it('needs publicKey when the signing key is a non-extractable CryptoKey', async () => {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA')
    const { manager } = make({ tokens: { privateKey } })
    const { session } = await manager.create({ subject: 'u1' })
    const jwt = await manager.issueAccessToken(session)
    await expect(manager.verifyAccessToken(jwt)).rejects.toMatchObject({ code: 'invalid_option' })
    expect((await manager.verifyAccessToken(jwt, { publicKey })).ok).toBe(true)
  })

  it('refuses tokens of another issuer or signed with another secret', async () => {
    const { manager } = make({ tokens })
    const other = make({ tokens: { ...tokens, secret: 'another-secret-of-at-least-32-bytes' } }).manager
    const foreign = make({ tokens: { ...tokens, issuer: 'https://other.test' } }).manager
    const a = await other.create({ subject: 'u1' })
    const b = await foreign.create({ subject: 'u1' })
    expect(await manager.verifyAccessToken(await other.issueAccessToken(a.session))).toMatchObject({
      reason: 'signature_invalid',
    })
    expect(await manager.verifyAccessToken(await foreign.issueAccessToken(b.session))).toMatchObject({
      reason: 'issuer_mismatch',
    })
  })

  it('audits policy.drift once per fingerprint pair per interval for tokens minted under another policy', async () => {
    const clock = { t: START }
    const events: AuditEvent[] = []
    const old = createSessionManager({
      policy: { idleTimeout: '30m', absoluteTimeout: '8h' },
      tokens,
      now: () => clock.t,
    })
    const current = createSessionManager({
      policy: { idleTimeout: '15m', absoluteTimeout: '8h' },
      tokens,
      now: () => clock.t,
      driftInterval: '30m',
      audit: (e) => {
        events.push(e)
      },
    })
    managers.push(old, current)
    const { session } = await old.create({ subject: 'u1' })
    const jwt = await old.issueAccessToken(session)
    for (let i = 0; i < 3; i++) expect((await current.verifyAccessToken(jwt)).ok).toBe(true)
    const drift = events.filter((e) => e.type === 'policy.drift')
    expect(drift).toEqual([
      expect.objectContaining({
        session: session.handle,
        subject: 'u1',
        policy: 'default',
        meta: {
          fromFingerprint: old.defaultPolicy.fingerprint,
          toFingerprint: current.defaultPolicy.fingerprint,
        },
      }),
    ])
    clock.t += 30 * MINUTE
    const again = await old.issueAccessToken({ ...session, lastActivityAt: clock.t })
    await current.verifyAccessToken(again)
    expect(events.filter((e) => e.type === 'policy.drift')).toHaveLength(2)
    const own = await current.create({ subject: 'u2' })
    await current.verifyAccessToken(await current.issueAccessToken(own.session))
    expect(events.filter((e) => e.type === 'policy.drift')).toHaveLength(2)
  })

  it('rejects with invalid_option when neither tokens nor a key are configured', async () => {
    const { manager } = make({})
    await expect(manager.verifyAccessToken('a.b.c')).rejects.toMatchObject({ code: 'invalid_option' })
  })
})
