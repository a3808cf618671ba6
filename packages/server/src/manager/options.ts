import type { AuditOption } from '../audit/emitter'
import type { SessionStore } from '../stores/types'
import type { PolicyOption } from '../types'

/** Access-token (JWT) settings. Phase 2: accepted and typed now, used by `issueAccessToken` later. */
export interface TokenOptions {
  /** HMAC secret (HS256) or a private key, for signing access tokens. */
  secret?: string | Uint8Array
  issuer?: string
  audience?: string | string[]
  /** Lifetime of an access token; never beyond the session's deadline. Default `'5m'`. */
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
  /** Access tokens (JWT). */
  tokens?: TokenOptions
}
