import type { SessionStatus } from '@curfew/core'
import { SESSION_HEADER } from '@curfew/core'
import type { CreateSessionInput, SessionInfo } from '../types'
import type { ProtocolContext } from './authenticate'
import { requestMeta } from './authenticate'
import { cookieSettings, sessionCookie } from './cookie'
import { sessionHeaderValue } from './requestView'

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
      [SESSION_HEADER, sessionHeaderValue(created.status)],
      ['Cache-Control', 'no-store'],
    ],
  }
}
