import type {
  ExpiryReason,
  Policy,
  PolicyDocument,
  PolicyInput,
  SessionError,
  SessionErrorCode,
  SessionStatus,
} from '@curfew/core'
import type { ManagerComplianceResult } from './manager/compliance'
import type { DriftReport, FindDriftOptions } from './manager/findDrift'
import type { VerifyAccessTokenOptions, VerifyAccessTokenResult } from './tokens/verifyAccessToken'
import type { SessionEndListener, WatchedSession, WatchOptions } from './watch/types'

/**
 * The shared contract of `@curfew/server`: the manager that decides, the store it decides against, and
 * what adapters receive. Adapters depend only on these types, never on a store or the manager's insides.
 */

/** What the server knows about the request that caused an event (for the audit trail). */
export interface RequestMeta {
  ip?: string
  userAgent?: string
  method?: string
  path?: string
  requestId?: string
}

/** A policy plus the fingerprint that proves which one a service runs. */
export interface ResolvedPolicy extends Policy {
  readonly fingerprint: string
}

/** The server-side session record as the manager and adapters see it. Never contains the token. */
export interface SessionInfo {
  /** Non-secret short handle, safe to log, show to admins and put in `SessionStatus.session`. */
  handle: string
  subject: string
  /** Name of the policy tier this session runs under. */
  policy: string
  /** Fingerprint of the policy the session was created under (drift detection). */
  fingerprint: string
  authTime: number
  createdAt: number
  lastActivityAt: number
  /** This session's own cap (epoch ms), folded into its absolute deadline; see `CreateSessionInput`. */
  notAfter?: number
  data?: Record<string, unknown>
}

export interface CreateSessionInput {
  subject: string
  /** When the user authenticated (epoch ms); defaults to now. Anchors the absolute deadline. */
  authTime?: number
  /** Policy tier name; defaults to the manager's default policy. */
  policy?: string
  /**
   * A cap of this one session (epoch ms): it never lives past it, whatever the policy says — e.g. the end
   * of the identity provider's session. Folded into the absolute deadline (`min(authTime +
   * absoluteTimeout, notAfter)`): the status, the `Curfew-Session` header, the cookie's `Expires` and
   * access tokens' `exp` all honour it, and the session ends with reason `absolute`. Must be in the future.
   */
  notAfter?: number
  /** Small JSON-serialisable application data kept with the session. */
  data?: Record<string, unknown>
  meta?: RequestMeta
}

export interface CreatedSession {
  /** The bearer secret: 256 bits from a CSPRNG, base64url. Only its SHA-256 is stored. */
  token: string
  session: SessionInfo
  status: SessionStatus
}

export interface ValidateOptions {
  /** Whether this request counts as activity (extends the idle deadline). Default `true`. */
  activity?: boolean
  /**
   * `false`: record activity without rotating the token even when `renewEvery` is due — for callers
   * that cannot hand a successor to the client (activity over an open WebSocket). Default `true`.
   */
  renew?: boolean
  meta?: RequestMeta
}

/** A refusal, ready for an adapter to send: `res.status(httpStatus).json(body)`. */
export interface SessionRejection {
  ok: false
  /** Why. `'store_unavailable'` when the store failed and `onStoreError` decided. */
  reason: ExpiryReason | 'missing' | 'store_unavailable' | 'auth_too_old'
  /** 401, or 503 when the store is down and `onStoreError: 'unavailable'`. */
  httpStatus: 401 | 503
  body:
    | SessionError
    | { error: 'store_unavailable'; reason: 'store_unavailable'; serverTime: number; message: string }
  /** Value for `WWW-Authenticate` on a 401. */
  wwwAuthenticate?: string
}

export interface SessionAcceptance {
  ok: true
  session: SessionInfo
  status: SessionStatus
  /**
   * Set when the token was renewed (rotation): the adapter must send this new token (cookie) to the
   * client. Concurrent requests presenting the old token inside the grace window get the same successor.
   */
  token?: string
}

export type ValidateResult = SessionAcceptance | SessionRejection

export type RevokeReason = Extract<
  ExpiryReason,
  'revoked' | 'logout' | 'reuse_detected' | 'policy_changed' | 'idp_logout' | 'idp_session_ended'
>

/** What `createSessionManager` returns. All methods are safe to call with hostile input. */
export interface SessionManager {
  /** The policies in force, by name, with fingerprints. */
  readonly policies: ReadonlyMap<string, ResolvedPolicy>
  readonly defaultPolicy: ResolvedPolicy
  /** Results of the `compliance` option per tier (warnings included; empty without the option). */
  readonly compliance: readonly ManagerComplianceResult[]
  /** Starts a new session (a fresh id on every login: fixation defence). */
  create(input: CreateSessionInput): Promise<CreatedSession>
  /** One atomic check (and activity record) per request. Never throws for client input. */
  validate(token: string | null | undefined, options?: ValidateOptions): Promise<ValidateResult>
  /** Counts as activity and renews the token when `renewEvery` is due. */
  refresh(token: string | null | undefined, options?: { meta?: RequestMeta }): Promise<ValidateResult>
  /** Ends one session by token or handle. Resolves `true` if a live session was ended. */
  revoke(tokenOrHandle: string, reason?: RevokeReason): Promise<boolean>
  /** Ends every session of a subject; resolves how many were ended. */
  revokeSubject(subject: string, reason?: RevokeReason): Promise<number>
  /**
   * GDPR Art. 17 (right to erasure): ends every live session of a subject (audited `session.revoked`,
   * watches closed fleet-wide), then erases every record, tombstone, token id and index entry the store
   * holds for it. Audited as `subject.forgotten` with the number of sessions erased and, only with
   * `auditPseudonymKey`, the subject's pseudonym — never the subject in clear (the revoke events of this
   * call carry no subject either). Resolves how many sessions (live or ended) were erased. Needs a store
   * with `forgetSubject` (both built-in stores have it).
   *
   * @example
   * await manager.forgetSubject('user-42') // after the user's erasure request
   */
  forgetSubject(subject: string): Promise<number>
  /** Live sessions of a subject. */
  list(subject: string): Promise<SessionInfo[]>
  /** A short JWT whose `exp` never outlives the session. Requires the `tokens` option. */
  issueAccessToken(session: SessionInfo): Promise<string>
  /**
   * Verifies an access token with this manager's `tokens` settings (or the key options given), on its
   * clock, and audits `policy.drift` when the token was minted under another fingerprint of a tier.
   * Never throws for any token.
   */
  verifyAccessToken(jwt: unknown, options?: ManagerVerifyAccessTokenOptions): Promise<VerifyAccessTokenResult>
  /**
   * Streams the store (`store.scan`, bounded memory) and reports sessions out of line with the policy
   * in force: minted under another fingerprint, of a tier that is gone, or past a deadline of the
   * current policy. `{ fix: true }` ends them with reason `policy_changed` (audited). Throws
   * `invalid_option` when the store has no `scan`.
   */
  findDrift(options?: FindDriftOptions): Promise<DriftReport>
  /** Body of `GET /session/policy`. */
  policyDocument(): PolicyDocument
  /** The manager's clock (injected `now` or the store's clock), epoch ms. */
  now(): number
  /**
   * Calls `onEnd` once when the session ends — for a WebSocket, Socket.IO or SSE connection that must
   * not outlive it. At its idle or absolute deadline (by the store's clock, re-read from the store
   * first: activity elsewhere may have moved it), or at once when any server of the fleet revokes it
   * (revoke, logout, revokeSubject, back-channel logout, policy_changed). All watches share one timer;
   * nothing polls. Returns the function that stops watching: call it when the connection closes.
   *
   * @example
   * const result = await manager.validate(token, { activity: false })
   * if (result.ok) {
   *   const unwatch = manager.watch(result.session, ({ reason }) => ws.close(4401, reason))
   *   ws.on('close', unwatch)
   * }
   */
  watch(session: WatchedSession, onEnd: SessionEndListener, options?: WatchOptions): () => void
  /** Stops timers (sweeps) and flushes audit sinks. */
  close(): Promise<void>
}

export type PolicyOption = Policy | PolicyInput

/** Options of `manager.verifyAccessToken`: any of {@link VerifyAccessTokenOptions}, all optional. */
export type ManagerVerifyAccessTokenOptions = Partial<VerifyAccessTokenOptions>

/** Re-exported for adapter authors. */
export type { SessionErrorCode }
