import { CurfewError, evaluateSession } from '@curfew/core'
import type { TokenOptions } from '../manager/options'
import { createAccessTokenSigner } from '../tokens/issueAccessToken'
import type { VerificationKeyOptions } from '../tokens/keys'
import { publicHalf } from '../tokens/publicKey'
import {
  type AccessTokenVerifier,
  createAccessTokenVerifier,
  type VerifyAccessTokenOptions,
  type VerifyAccessTokenResult,
} from '../tokens/verifyAccessToken'
import type { ManagerVerifyAccessTokenOptions, ResolvedPolicy, SessionInfo } from '../types'

/**
 * `manager.verifyAccessToken`: verifies with the manager's own `tokens` settings (its secret, or the
 * public half of its private key; its issuer and audience) unless options say otherwise, on the
 * manager's clock, and reports tokens minted under another fingerprint of a tier as `policy.drift`.
 */
export function createManagerTokenVerifier(options: {
  tokens: TokenOptions | undefined
  now: () => number
  policies: ReadonlyMap<string, ResolvedPolicy>
  onDrift: (input: {
    from: string
    to: string
    time: number
    session: string
    subject: string
    policy: string
  }) => void
}): (jwt: unknown, overrides?: ManagerVerifyAccessTokenOptions) => Promise<VerifyAccessTokenResult> {
  const { tokens, now, policies, onDrift } = options
  let own: Promise<AccessTokenVerifier> | undefined

  async function ownKey(): Promise<VerificationKeyOptions> {
    if (tokens?.secret !== undefined) {
      return { secret: tokens.secret, ...(tokens.algorithm ? { algorithms: [tokens.algorithm] } : {}) }
    }
    if (tokens?.privateKey !== undefined) return { publicKey: await publicHalf(tokens.privateKey) }
    return {}
  }

  async function verifierFor(
    overrides: ManagerVerifyAccessTokenOptions | undefined,
  ): Promise<AccessTokenVerifier> {
    const hasKey =
      overrides !== undefined &&
      (overrides.secret !== undefined || overrides.publicKey !== undefined || overrides.jwks !== undefined)
    const base: VerifyAccessTokenOptions = {
      ...(hasKey ? {} : await ownKey()),
      ...(tokens?.issuer === undefined ? {} : { issuer: tokens.issuer }),
      ...(tokens?.audience === undefined ? {} : { audience: tokens.audience }),
      now,
    }
    return createAccessTokenVerifier({ ...base, ...overrides })
  }

  return async (jwt, overrides) => {
    let verify: AccessTokenVerifier
    if (overrides === undefined) {
      if (own === undefined) {
        own = verifierFor(undefined)
        // A misconfiguration rejects this call; the next call tries again rather than caching it.
        own.catch(() => {
          own = undefined
        })
      }
      verify = await own
    } else {
      verify = await verifierFor(overrides)
    }
    const result = await verify(jwt)
    if (result.ok && typeof result.payload.curfew_policy === 'string') {
      const tier = policies.get(result.payload.curfew_policy)
      if (tier && tier.fingerprint !== result.payload.curfew_pf) {
        onDrift({
          from: result.payload.curfew_pf,
          to: tier.fingerprint,
          time: now(),
          session: result.payload.sid,
          subject: result.payload.sub,
          policy: tier.name,
        })
      }
    }
    return result
  }
}

/**
 * `manager.issueAccessToken`: a short JWT for a session that is live under the policy in force now,
 * expiring no later than the session does. Throws `invalid_option` without the `tokens` option and
 * `session_expired` for a session that has ended.
 */
export function createManagerTokenIssuer(options: {
  tokens: TokenOptions | undefined
  now: () => number
  policies: ReadonlyMap<string, ResolvedPolicy>
}): (session: SessionInfo) => Promise<string> {
  const signer = options.tokens === undefined ? undefined : createAccessTokenSigner(options.tokens)
  return async (session) => {
    if (!signer) {
      throw new CurfewError({
        code: 'invalid_option',
        message: 'issueAccessToken needs the "tokens" option: configure tokens in createSessionManager.',
      })
    }
    if (typeof session !== 'object' || session === null) {
      throw new CurfewError({ code: 'invalid_option', message: 'issueAccessToken expects a session.' })
    }
    const policy = options.policies.get(session.policy)
    const time = options.now()
    // Judged by the policy in force now, like every check: the token may not outlive the session.
    const verdict = policy ? evaluateSession(session, policy, time) : undefined
    if (!policy || verdict?.state !== 'active') {
      throw new CurfewError({
        code: 'session_expired',
        message: 'The session has ended; no access token was issued. Sign the user in again.',
      })
    }
    return signer.sign({ session, policy, now: time, expiresAt: verdict.expiresAt })
  }
}
