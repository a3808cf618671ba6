import type { SessionStatus } from '@curfew/core'
import { formatSessionHeader, SESSION_HEADER } from '@curfew/core'
import type { CreateSessionInput, SessionInfo } from '../types'
import type { ProtocolContext } from './authenticate'
import { guarded, isReply, requestMeta, serverNow } from './authenticate'
import { clearedCookie, cookieSettings, sessionCookie } from './cookie'
import { readCredentials } from './credentials'
import { isCrossSiteForgery } from './csrf'
import { csrfReply, unavailableReply } from './replies'
import type { HttpReply } from './types'

/** What a sign-in produced: the session, its status, and the headers that set the cookie. */
export interface SignInOutcome {
  session: SessionInfo
  status: SessionStatus
  headers: Array<[string, string]>
}

/**
 * Starts a session for a user the application has just authenticated: a fresh token every time
 * (session-fixation defence), set as the session cookie. Throws what `manager.create` throws (unknown
 * policy tier, store down): the input comes from the application, not the client.
 */
export async function startSession(
  context: ProtocolContext,
  input: CreateSessionInput,
): Promise<SignInOutcome> {
  const { manager, request, options } = context
  const created = await manager.create({ meta: requestMeta(request), ...input })
  const settings = cookieSettings(options, request)
  return {
    session: created.session,
    status: created.status,
    headers: [
      ['Set-Cookie', sessionCookie({ settings, token: created.token, status: created.status })],
      [SESSION_HEADER, formatSessionHeader(created.status)],
      ['Cache-Control', 'no-store'],
    ],
  }
}

/**
 * Outcome of a sign-out. `ok: false` carries a complete 403 answer: the request looked cross-site, and
 * nothing was revoked. On `ok: true`, `status` is the ended session (`reason: 'logout'`), or `null` when
 * the request had no live session; the cookie is cleared either way.
 */
export type SignOutOutcome =
  | { ok: true; status: SessionStatus | null; headers: Array<[string, string]> }
  | { ok: false; reply: HttpReply }

/**
 * Ends the request's session (reason `logout`) and clears the cookie. Refuses cross-site requests like
 * the session POST routes do. Never throws: a failing store yields `ok: false` with a 503.
 */
export async function endSession(context: ProtocolContext): Promise<SignOutOutcome> {
  const { manager, request, options } = context
  const credentials = readCredentials(request, options)
  if (isCrossSiteForgery(request, options, credentials.source)) {
    return { ok: false, reply: csrfReply(serverNow(manager)) }
  }
  const headers: Array<[string, string]> = [
    ['Set-Cookie', clearedCookie(cookieSettings(options, request))],
    ['Cache-Control', 'no-store'],
  ]
  if (credentials.source === null) return { ok: true, status: null, headers }
  const checked = await guarded(manager, () =>
    manager.validate(credentials.token, { activity: false, meta: requestMeta(request) }),
  )
  if (isReply(checked)) return { ok: false, reply: checked }
  if (!checked.ok) return { ok: true, status: null, headers }
  try {
    await manager.revoke(checked.session.handle, 'logout')
  } catch {
    return { ok: false, reply: unavailableReply(serverNow(manager)) }
  }
  const status: SessionStatus = {
    ...checked.status,
    state: 'expired',
    reason: 'logout',
    serverTime: serverNow(manager),
  }
  headers.push([SESSION_HEADER, formatSessionHeader(status)])
  return { ok: true, status, headers }
}
