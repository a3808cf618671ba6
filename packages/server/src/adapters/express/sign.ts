import type { SessionStatus } from '@curfew/core'
import type { Request, Response } from 'express'
import {
  type BadRequestError,
  type CookieOptions,
  type CsrfError,
  type CurfewHttpOptions,
  endSession,
  resolveHttpOptions,
  startSession,
} from '../../http'
import type { CreateSessionInput, SessionManager } from '../../types'
import { attachState } from './attach'
import { applyHeaders, requestInfo } from './request'

/** What {@link signIn} takes: the manager's `create` input plus the cookie settings, if not default. */
export interface SignInInput extends CreateSessionInput {
  /** Must match the `cookie` option given to `sessionMiddleware` and `sessionRoutes`. */
  cookie?: CookieOptions
}

/**
 * Starts a session for a user your app has just authenticated: a fresh token (session-fixation
 * defence), set as an `HttpOnly` cookie that never outlives the absolute deadline. Resolves the new
 * session's status. Rejects with a `CurfewError` for bad input from the app (unknown policy tier) or a
 * failing store.
 *
 * @example
 * app.post('/login', express.json(), async (req, res) => {
 *   const user = await checkPassword(req.body.email, req.body.password)
 *   if (!user) return res.status(401).json({ error: 'invalid_credentials' })
 *   res.json(await signIn(res, manager, { subject: user.id }))
 * })
 */
export async function signIn(
  res: Response,
  manager: SessionManager,
  input: SignInInput,
): Promise<SessionStatus> {
  const { cookie, ...create } = input
  const options = resolveHttpOptions(cookie === undefined ? {} : { cookie })
  const outcome = await startSession({ manager, request: requestInfo(res.req), options }, create)
  applyHeaders(res, outcome.headers)
  attachState(res.req, { session: outcome.session, status: outcome.status, source: 'cookie' })
  return outcome.status
}

/** The third argument of {@link signOut}: the manager, or the manager with the adapter options. */
export type SignOutTarget = SessionManager | (CurfewHttpOptions & { manager: SessionManager })

/**
 * What {@link signOut} resolves. `ok: false` means nothing was revoked and the app should send
 * `res.status(result.httpStatus).json(result.body)`: 403 for a cross-site request, 503 for a store failure.
 */
export type SignOutResult =
  | { ok: true; status: SessionStatus | null }
  | {
      ok: false
      httpStatus: number
      body:
        | CsrfError
        | BadRequestError
        | { error: string; reason: string; serverTime: number; message?: string }
    }

function isManager(target: SignOutTarget): target is SessionManager {
  return typeof (target as SessionManager).validate === 'function'
}

/**
 * Ends the request's session (reason `logout`) and clears the cookie. `status` is the ended session, or
 * `null` when there was none. Refuses cross-site requests like the session routes. Never throws.
 *
 * @example
 * app.post('/logout', async (req, res) => {
 *   const result = await signOut(req, res, manager)
 *   if (!result.ok) return res.status(result.httpStatus).json(result.body)
 *   res.redirect(303, '/')
 * })
 */
export async function signOut(req: Request, res: Response, target: SignOutTarget): Promise<SignOutResult> {
  const { manager, ...options } = isManager(target) ? { manager: target } : target
  const outcome = await endSession({
    manager,
    request: requestInfo(req),
    options: resolveHttpOptions(options),
  })
  if (!outcome.ok) {
    return { ok: false, httpStatus: outcome.reply.status, body: outcome.reply.body as CsrfError }
  }
  applyHeaders(res, outcome.headers)
  attachState(req, null)
  return { ok: true, status: outcome.status }
}
