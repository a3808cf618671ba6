// Tokens: verifyAccessToken (as users call it: the same options object per service) against bare
// jose.jwtVerify with the same key and the same checks, on the same tokens, HS256 and EdDSA.
import { createSessionManager, verifyAccessToken } from '@curfew/server'
import { exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose'
import { alternate, fmt, median, throughput } from './lib/stats.js'

const ISSUER = 'https://app.example.com'
const AUDIENCE = 'api'

async function fixture(alg) {
  let tokens
  let verifyKey
  let curfewOptions
  if (alg === 'HS256') {
    const secret = 'bench-hs256-secret-bench-hs256-secret-0123'
    tokens = { secret }
    // jose's fastest HMAC path: a CryptoKey imported once (with raw bytes it imports on every call).
    verifyKey = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    )
    curfewOptions = { secret, issuer: ISSUER, audience: AUDIENCE }
  } else {
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true })
    tokens = { privateKey, algorithm: 'EdDSA' }
    const jwk = await exportJWK(publicKey)
    // Both sides verify with an imported key (jose's fastest path); Curfew is handed the JWK as a
    // config file would give it, and imports it once.
    verifyKey = await importJWK(jwk, 'EdDSA')
    curfewOptions = { publicKey: jwk, algorithms: ['EdDSA'], issuer: ISSUER, audience: AUDIENCE }
  }
  const manager = createSessionManager({
    policy: { idleTimeout: '15m', absoluteTimeout: '12h' },
    tokens: { ...tokens, issuer: ISSUER, audience: AUDIENCE },
  })
  const { session } = await manager.create({ subject: 'user-1' })
  const jwt = await manager.issueAccessToken(session)
  await manager.close()
  const joseOptions = {
    algorithms: [alg],
    issuer: ISSUER,
    audience: AUDIENCE,
    typ: 'at+jwt',
    requiredClaims: ['sub', 'sid', 'iat', 'exp', 'auth_time', 'curfew_pf'],
  }
  const ours = await verifyAccessToken(jwt, curfewOptions)
  if (!ours.ok) throw new Error(`verifyAccessToken refused the bench token: ${ours.reason}`)
  await jwtVerify(jwt, verifyKey, joseOptions)
  return {
    jose: () => jwtVerify(jwt, verifyKey, joseOptions),
    curfew: () => verifyAccessToken(jwt, curfewOptions),
  }
}

export async function runTokens({ quick }) {
  const rows = []
  const summary = {}
  for (const alg of ['HS256', 'EdDSA']) {
    const ops = await fixture(alg)
    for (const op of Object.values(ops)) await throughput({ op, concurrency: 1, ms: 300 })
    const results = await alternate({
      rounds: quick ? 3 : 7,
      variants: ['jose', 'curfew'],
      run: (name) => throughput({ op: ops[name], concurrency: 1, ms: quick ? 400 : 700 }),
    })
    const jose = median(results.jose)
    const curfew = median(results.curfew)
    summary[alg] = { jose, curfew, results }
    rows.push(
      {
        section: 'Tokens',
        name: `jose.jwtVerify ${alg}`,
        value: `${fmt.int(jose)} ops/s`,
        ratio: '1.00× jose',
      },
      {
        section: 'Tokens',
        name: `verifyAccessToken ${alg}`,
        value: `${fmt.int(curfew)} ops/s`,
        ratio: fmt.x(curfew / jose),
        target: '≥ 0.95× jose',
        met: curfew / jose >= 0.95,
      },
    )
  }
  return { summary, rows }
}
