import type { SessionStatus } from '@curfew/core'
import { SESSION_HEADER } from '@curfew/core'
import type { SessionRejection } from '../types'
import type { ProtocolContext } from './authenticate'
import { guarded, isReply, requestMeta, serverNow } from './authenticate'
import { clearedCookie, cookieSettings } from './cookie'
import type { Credentials } from './credentials'
import { readCredentials } from './credentials'
import { isCrossSiteForgery } from './csrf'
import { csrfReply, jsonReply, rejectionReply, unavailableReply } from './replies'
import { sessionHeaderValue } from './requestView'
import type { CsrfError, HttpReply } from './types'

/** What ending the request's session came to: ended, nothing to end (and why), or a failure answer. */
type Ending =
  | { ended: true; status: SessionStatus }
  | { ended: false; rejection: SessionRejection }
  | { ended: false; reply: HttpReply }

/**
 * Logout, the one implementation: checks the token without counting activity, revokes the session
 * (reason `logout`, audited by the manager) and reports it as ended. Never throws.
 */
async function endRequestSession(context: ProtocolContext, credentials: Credentials): Promise<Ending> {
  const { manager, request } = context
  const checked = await guarded(manager, () =>
    manager.validate(credentials.token, { activity: false, meta: requestMeta(request) }),
  )
  if (isReply(checked)) return { ended: false, reply: checked }
  if (!checked.ok) return { ended: false, rejection: checked }
  try {
    await manager.revoke(checked.session.handle, 'logout')
  } catch {
    return { ended: false, reply: unavailableReply(serverNow(manager)) }
  }
  const status: SessionStatus = {
    ...checked.status,
    state: 'expired',
    reason: 'logout',
    serverTime: serverNow(manager),
  }
  return { ended: true, status }
}

/**
 * `POST {base}/logout` after its CSRF and body checks: 200 with the ended status and the cookie
 * cleared, or the refusal a request without a live session gets everywhere else (401, 503).
 */
export async function logoutReply(context: ProtocolContext, credentials: Credentials): Promise<HttpReply> {
  const { request, options } = context
  const settings = cookieSettings(options, request)
  const ending = await endRequestSession(context, credentials)
  if (ending.ended) {
    return jsonReply(200, ending.status, [
      [SESSION_HEADER, sessionHeaderValue(ending.status)],
      ['Set-Cookie', clearedCookie(settings)],
    ])
  }
  if ('reply' in ending) return ending.reply
  return rejectionReply({
    rejection: ending.rejection,
    source: credentials.source,
    settings,
    realm: options.realm,
  })
}

/** Body of a refused sign-out: 403 `csrf` for a cross-site request, 503 `store_unavailable`. */
export type SignOutRefusal =
  | CsrfError
  | { error: 'store_unavailable'; reason: 'store_unavailable'; serverTime: number; message: string }

/**
 * Outcome of the app's own sign-out (`signOut` in every adapter). `ok: false`: nothing was revoked; send
 * `httpStatus` with `body` as JSON. On `ok: true`, `status` is the ended session (`reason: 'logout'`),
 * or `null` when the request had no live session; the cookie is cleared either way.
 */
export type SignOutResult =
  | { ok: true; status: SessionStatus | null }
  | { ok: false; httpStatus: number; body: SignOutRefusal }

/** {@link endSession}'s answer: the result plus what the adapter writes (headers, or the refusal). */
export type SignOutOutcome =
  | { ok: true; status: SessionStatus | null; headers: Array<[string, string]> }
  | { ok: false; httpStatus: number; body: SignOutRefusal; reply: HttpReply }

function refused(reply: HttpReply): SignOutOutcome {
  // Every refusal here is built by csrfReply or unavailableReply, whose bodies are SignOutRefusal.
  return { ok: false, httpStatus: reply.status, body: reply.body as SignOutRefusal, reply }
}

/**
 * Ends the request's session (reason `logout`) and clears the cookie. Refuses cross-site requests like
 * the session POST routes do. Never throws: a failing store yields `ok: false` with a 503.
 */
export async function endSession(context: ProtocolContext): Promise<SignOutOutcome> {
  const { manager, request, options } = context
  const credentials = readCredentials(request, options)
  if (isCrossSiteForgery(request, options, credentials.source)) return refused(csrfReply(serverNow(manager)))
  const headers: Array<[string, string]> = [
    ['Set-Cookie', clearedCookie(cookieSettings(options, request))],
    ['Cache-Control', 'no-store'],
  ]
  // No token: nothing to end, and no reason to ask the store.
  if (credentials.source === null) return { ok: true, status: null, headers }
  const ending = await endRequestSession(context, credentials)
  if (!ending.ended) {
    if ('reply' in ending) return refused(ending.reply)
    // A store that cannot answer cannot say the session is gone: it may live on, so say the sign-out
    // failed (as documented) rather than clear the cookie over a live session.
    if (ending.rejection.reason === 'store_unavailable') return refused(unavailableReply(serverNow(manager)))
    return { ok: true, status: null, headers }
  }
  headers.push([SESSION_HEADER, sessionHeaderValue(ending.status)])
  return { ok: true, status: ending.status, headers }
}

/** The adapter-neutral {@link SignOutResult} of an outcome (what `signOut` resolves). */
export function signOutResult(outcome: SignOutOutcome): SignOutResult {
  return outcome.ok
    ? { ok: true, status: outcome.status }
    : { ok: false, httpStatus: outcome.httpStatus, body: outcome.body }
}
