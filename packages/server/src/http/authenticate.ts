import { PASSIVE_HEADER, SESSION_HEADER } from '@curfew/core'
import { validateNow } from '../manager/validateNow'
import type { RequestMeta, SessionManager, ValidateResult } from '../types'
import { cookieSettings, sessionCookie } from './cookie'
import { readCredentials } from './credentials'
import type { ResolvedHttpOptions } from './options'
import { rejectionReply, unavailableReply } from './replies'
import { sessionHeaderValue } from './requestView'
import type { CredentialSource, CurfewRequestState, HttpReply, HttpRequestInfo } from './types'

const PASSIVE = PASSIVE_HEADER.toLowerCase()

/** Response header carrying a renewed token to a bearer client (cookie clients get `Set-Cookie`). */
export const TOKEN_HEADER = 'Curfew-Token'

/** The shared inputs of every protocol step. */
export interface ProtocolContext {
  manager: SessionManager
  request: HttpRequestInfo
  options: ResolvedHttpOptions
}

/**
 * Outcome of {@link authenticate}: the state to attach and headers to add, or a complete answer. With
 * `optional`, a request a 401 would have refused passes with `state: null` (and the header that clears
 * an ended session's cookie, if any).
 */
export type AuthenticateResult =
  | { ok: true; state: CurfewRequestState; headers: Array<[string, string]> }
  | { ok: true; state: null; headers: Array<[string, string]> }
  | { ok: false; reply: HttpReply }

/** How the middleware step treats one request. */
export interface AuthenticateSettings {
  /** Never extend the session (a `Curfew-Passive` header has the same effect). */
  passive?: boolean
  /**
   * Let a request without a valid session through as anonymous instead of answering 401. A 503 (store
   * down under `onStoreError: 'unavailable'`) is still answered.
   */
  optional?: boolean
}

/**
 * True when the request must not count as activity. Any value of `Curfew-Passive` except `0`/`false`
 * counts: when in doubt, passive is the side that can only end a session early, never late.
 */
export function isPassiveRequest(request: HttpRequestInfo): boolean {
  const value = request.header(PASSIVE)
  return value !== undefined && !/^\s*(?:0|false)\s*$/i.test(value)
}

/** What the audit trail learns about this request. */
export function requestMeta(request: HttpRequestInfo): RequestMeta {
  const meta: RequestMeta = { method: request.method }
  if (request.ip !== undefined) meta.ip = request.ip
  if (request.path !== undefined) meta.path = request.path.slice(0, 512)
  const userAgent = request.header('user-agent')
  if (userAgent !== undefined) meta.userAgent = userAgent.slice(0, 512)
  return meta
}

/** The manager's clock, or this machine's if even that fails. */
export function serverNow(manager: SessionManager): number {
  try {
    return manager.now()
  } catch {
    return Date.now()
  }
}

/**
 * Runs one manager call; a throw (a bug or an unhandled store failure: client input never makes the
 * manager throw) becomes a typed 503 instead of a 500 page or a crashed process.
 */
export async function guarded(
  manager: SessionManager,
  call: () => Promise<ValidateResult>,
): Promise<ValidateResult | HttpReply> {
  try {
    return await call()
  } catch {
    return unavailableReply(serverNow(manager))
  }
}

/** Tells a {@link guarded} failure from the manager's own answer. */
export function isReply(value: ValidateResult | HttpReply): value is HttpReply {
  return !('ok' in value)
}

/** Headers every answer to an accepted request carries: deadlines, and the rotated cookie if any. */
export function acceptedHeaders(
  context: ProtocolContext,
  accepted: {
    status: CurfewRequestState['status']
    token?: string | undefined
    source: CurfewRequestState['source']
  },
): Array<[string, string]> {
  const headers: Array<[string, string]> = [[SESSION_HEADER, sessionHeaderValue(accepted.status)]]
  if (accepted.token === undefined) return headers
  if (accepted.source === 'cookie') {
    const settings = cookieSettings(context.options, context.request)
    headers.push(['Set-Cookie', sessionCookie({ settings, token: accepted.token, status: accepted.status })])
  } else {
    // A bearer client holds its token itself and gets no cookie it did not ask for; it must still learn
    // the successor, or the rotation would end its session as reuse once the grace window passes. It
    // already holds the old token in script, so a header exposes nothing new; no cache may keep it.
    headers.push([TOKEN_HEADER, accepted.token], ['Cache-Control', 'no-store'])
  }
  return headers
}

/**
 * The middleware's whole decision: read the token (bearer or cookie), validate it (as activity unless
 * passive), and produce either the state to attach plus the `Curfew-Session`/`Set-Cookie` headers, or
 * the complete 401/503 answer (with `optional`, a 401 becomes an anonymous pass).
 *
 * @example
 * const result = await authenticate({ manager, request, options }, { passive: false })
 * if (!result.ok) return send(result.reply)
 */
export async function authenticate(
  context: ProtocolContext,
  settings?: AuthenticateSettings & { optional?: false },
): Promise<Exclude<AuthenticateResult, { state: null }>>
export async function authenticate(
  context: ProtocolContext,
  settings?: AuthenticateSettings,
): Promise<AuthenticateResult>
export async function authenticate(
  context: ProtocolContext,
  settings: AuthenticateSettings = {},
): Promise<AuthenticateResult> {
  return authenticateNow(context, settings)
}

/**
 * {@link authenticate} for the adapters' middleware: the result itself when the manager answered
 * synchronously (MemoryStore), else a promise of it, so a request through Express or Fastify pays no
 * promise and no microtask turns for an answer that was ready. Never throws; the promise never rejects.
 *
 * @example
 * const result = authenticateNow({ manager, request, options }, settings)
 * if (isPending(result)) result.then(finish)
 * else finish(result)
 */
export function authenticateNow(
  context: ProtocolContext,
  settings: AuthenticateSettings = {},
): AuthenticateResult | Promise<AuthenticateResult> {
  const { manager, request } = context
  const credentials = readCredentials(request, context.options)
  const activity = !(settings.passive === true || isPassiveRequest(request))
  let outcome: ValidateResult | Promise<ValidateResult>
  try {
    // The IP, path and user agent are read only if an audit event is written for this request.
    outcome = validateNow(manager, credentials.token, { activity, requestMeta: () => requestMeta(request) })
  } catch {
    return { ok: false, reply: unavailableReply(serverNow(manager)) }
  }
  if (isPending(outcome)) {
    return Promise.resolve(outcome).then(
      (answer) => decide(context, answer, { presented: credentials.source, optional: settings.optional }),
      () => ({ ok: false, reply: unavailableReply(serverNow(manager)) }) as const,
    )
  }
  return decide(context, outcome, { presented: credentials.source, optional: settings.optional })
}

/** True for an answer still to come (a promise, or any thenable a custom manager hands back). */
export function isPending<T extends object>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown }).then === 'function'
}

/** The state and headers for an accepted request, or the refusal. */
function decide(
  context: ProtocolContext,
  outcome: ValidateResult,
  how: { presented: CredentialSource | null; optional: boolean | undefined },
): AuthenticateResult {
  const { request, options } = context
  const { presented } = how
  if (!outcome.ok) {
    const reply = rejectionReply({
      rejection: outcome,
      source: presented,
      settings: cookieSettings(options, request),
      realm: options.realm,
    })
    if (how.optional === true && reply.status === 401) {
      return { ok: true, state: null, headers: reply.headers.filter(([name]) => name === 'Set-Cookie') }
    }
    return { ok: false, reply }
  }
  const source = presented ?? 'cookie'
  const { session, status, token } = outcome
  const state: CurfewRequestState = { session, status, source }
  return { ok: true, state, headers: acceptedHeaders(context, { status, token, source }) }
}
