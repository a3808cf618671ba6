import type { Duration } from '@curfew/core'
import type { JSONWebKeySet, JWTVerifyGetKey } from './joseTypes'
import { type PreparedVerifier, prepare } from './verifyAccessToken'

/** What ID-token and logout-token verification share: the IdP's keys, its issuer and your client id. */
export interface IdpTokenOptions {
  jwks: string | URL | JSONWebKeySet | JWTVerifyGetKey
  issuer: string
  audience: string
  algorithms?: readonly string[] | undefined
  clockTolerance?: number | Duration | undefined
  now?: (() => number) | undefined
  jwksTimeout?: number | undefined
}

/**
 * Prepares a verifier for a token the IdP signed. Both kinds of IdP token go through here so the key
 * allow-list (public keys only unless asked), issuer and audience rules cannot drift apart.
 */
export function prepareIdpVerifier(options: IdpTokenOptions, requiredClaims: string[]): PreparedVerifier {
  return prepare(
    {
      jwks: options.jwks,
      issuer: options.issuer,
      audience: options.audience,
      clockTolerance: options.clockTolerance,
      now: options.now,
      ...(options.algorithms === undefined ? {} : { algorithms: options.algorithms }),
      ...(options.jwksTimeout === undefined ? {} : { jwksTimeout: options.jwksTimeout }),
    },
    requiredClaims,
  )
}
