import type { ComplianceRule } from '@curfew/core'
import type { AuditOption } from '../audit/emitter'
import type { MetricsOption } from '../metrics/meter'
import type { SessionStore } from '../stores/types'
import type { CryptoKey, JWK, KeyObject } from '../tokens/joseTypes'
import type { PolicyOption } from '../types'

/**
 * Access-token (JWT) settings for `manager.issueAccessToken`. Give either an HMAC `secret` (HS256) or a
 * `privateKey` (Ed25519 → EdDSA, P-256 → ES256, RSA → RS256) with a `kid`, so services can verify with
 * your JWKS.
 */
export interface TokenOptions {
  /** HMAC secret for HS256, at least 32 bytes. */
  secret?: string | Uint8Array
  /** Private signing key: a CryptoKey, a Node KeyObject or a private JWK. */
  privateKey?: CryptoKey | KeyObject | JWK
  /** Key id put in the JWT header (the `kid` of the matching public key in your JWKS). */
  kid?: string
  /** Signing algorithm; default derived from the key (`HS256` for a secret). */
  algorithm?: 'HS256' | 'HS384' | 'HS512' | 'EdDSA' | 'ES256' | 'ES384' | 'ES512' | 'RS256' | 'PS256'
  /** `iss` claim. */
  issuer?: string
  /** `aud` claim. */
  audience?: string | string[]
  /** Lifetime of an access token (ms or `'5m'`); never beyond the session's deadline. Default `'5m'`. */
  accessTokenTtl?: number | string
}

/** Options of {@link createSessionManager}. */
export interface SessionManagerOptions {
  /** The single policy (its `name`, default `'default'`, names the tier). */
  policy?: PolicyOption
  /** Named tiers. The tier `'default'`, else the first, is the default (unless `policy` is given). */
  policies?: Record<string, PolicyOption>
  /** Where sessions live. Default: a new {@link MemoryStore} owned (and closed) by the manager. */
  store?: SessionStore
  /** An audit function, or an array of sinks. */
  audit?: AuditOption
  /**
   * Evidence-grade audit: also audit each accepted activity write (`session.activity`; writes are
   * throttled by `touchInterval`, so one event per write, not per request), so a log alone shows every
   * idle gap a session had and `curfew audit verify` can prove the idle timeout. Default `false`.
   */
  auditActivity?: boolean
  /**
   * Pseudonymise subjects in every audit event with HMAC-SHA-256 under this key (GDPR Art. 4(5), 32):
   * the log follows a user without naming them. Keep the key out of the log's reach.
   */
  auditPseudonymKey?: string | Uint8Array
  /**
   * This server's clock (epoch ms), for tests. When the store has a clock of its own (`time()`, e.g.
   * Redis `TIME`), the store's clock decides every deadline — so a fleet of servers whose clocks differ
   * still agrees — and this clock only serves `now()` between store calls (corrected by the offset the
   * store reports). The default store is given this clock.
   */
  now?: () => number
  /** What a request gets when the store fails or times out: 401 (`'deny'`, default) or 503. */
  onStoreError?: 'deny' | 'unavailable'
  /** Longest wait for the store per call (ms). Default 2000. */
  storeTimeout?: number
  /** How long an ended session still answers with its reason (ms). Default 10 minutes. */
  tombstoneTtl?: number
  /** Access tokens (JWT) for `issueAccessToken`. */
  tokens?: TokenOptions
  /**
   * OpenTelemetry metrics. Default: the global meter provider's meter `curfew` when
   * `@opentelemetry/api` is installed, else nothing. `{ meter }` to choose the meter, `false` for none.
   */
  metrics?: MetricsOption
  /** `policy.drift` is audited at most once per (from, to) fingerprint pair per interval. Default `'1h'`. */
  driftInterval?: number | string
  /**
   * Standards every tier must meet (`checkCompliance` rule names, e.g. `['pci-dss-4', 'nist-aal3']`).
   * A `fail` makes `createSessionManager` throw `CurfewError` `compliance_failed` listing each failure;
   * all results (warnings included) are on `manager.compliance`.
   */
  compliance?: readonly (ComplianceRule | string)[]
}
