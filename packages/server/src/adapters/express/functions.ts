import type { Duration, SessionStatus } from '@curfew/core'
import type { Request, RequestHandler, Response, Router } from 'express'
import {
  type CookieOptions,
  type CurfewHttpOptions,
  DEFAULT_REALM,
  resolveHttpOptions,
  type SignOutResult,
} from '../../http'
import type { CreateSessionInput, SessionManager } from '../../types'
import { createExpressCurfew, type MiddlewareOptions, recentAuthMiddleware } from './curfew'

// The documented standalone functions: each configures its own part. `expressCurfew(manager, options)`
// configures every part at once, so the cookie options need not be repeated at each call site.

/** Options of {@link sessionMiddleware}. */
export interface SessionMiddlewareOptions extends CurfewHttpOptions, MiddlewareOptions {}

/**
 * Express middleware that admits only requests with a live session. It reads the token from the session
 * cookie or `Authorization: Bearer`, counts the request as activity unless it is passive, sets
 * `req.session` and `req.curfew`, and adds the `Curfew-Session` header (plus a rotated cookie when the
 * token was renewed). Otherwise it answers 401 JSON `SessionError` with `WWW-Authenticate` (or 503).
 *
 * @example
 * app.use('/api', sessionMiddleware(manager))
 * app.get('/api/me', (req, res) => res.json({ user: req.session?.subject }))
 * // polling that must not keep an absent user signed in:
 * app.get('/api/notifications', sessionMiddleware(manager, { passive: true }), listNotifications)
 */
export function sessionMiddleware(
  manager: SessionManager,
  options: SessionMiddlewareOptions = {},
): RequestHandler {
  const { passive, optional, ...http } = options
  return createExpressCurfew(manager, resolveHttpOptions(http)).sessionMiddleware({
    ...(passive === undefined ? {} : { passive }),
    ...(optional === undefined ? {} : { optional }),
  })
}

/** Options of {@link sessionRoutes}. */
export type SessionRoutesOptions = CurfewHttpOptions

/**
 * The session routes of the Curfew protocol as an Express router; mount it at the base path the browser
 * SDK is configured with (default `/session`):
 * `GET /` status (passive), `POST /activity`, `POST /refresh`, `POST /logout`, `GET /policy`.
 * POSTs refuse cross-site requests (403) unless they carry `Curfew-Client`, come from the same origin or
 * an `allowedOrigins` entry, or use a bearer token.
 *
 * @example
 * app.use('/session', sessionRoutes(manager))
 */
export function sessionRoutes(manager: SessionManager, options: SessionRoutesOptions = {}): Router {
  return createExpressCurfew(manager, resolveHttpOptions(options)).sessionRoutes()
}

/** What {@link signIn} takes: the manager's `create` input plus the cookie settings, if not default. */
export interface SignInInput extends CreateSessionInput {
  /** Must match the `cookie` option given to `sessionMiddleware` and `sessionRoutes` (or use `expressCurfew`). */
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
export function signIn(res: Response, manager: SessionManager, input: SignInInput): Promise<SessionStatus> {
  const { cookie, ...create } = input
  const options = resolveHttpOptions(cookie === undefined ? {} : { cookie })
  return createExpressCurfew(manager, options).signIn(res, create)
}

/** The third argument of {@link signOut}: the manager, or the manager with the adapter options. */
export type SignOutTarget = SessionManager | (CurfewHttpOptions & { manager: SessionManager })

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
export function signOut(req: Request, res: Response, target: SignOutTarget): Promise<SignOutResult> {
  const { manager, ...options } = isManager(target) ? { manager: target } : target
  return createExpressCurfew(manager, resolveHttpOptions(options)).signOut(req, res)
}

/** Options of {@link requireRecentAuth}. */
export interface RequireRecentAuthOptions {
  /** `realm` of the challenge. Default `'curfew'`. */
  realm?: string
  /** Whose clock stamps the "no session" answer (Redis time on a fleet). Default this machine's. */
  manager?: SessionManager
}

/**
 * Guards a sensitive route: answers 401 `reauth_required` (reason `auth_too_old`, RFC 9470 challenge
 * with `max_age`) when the user signed in longer ago than `maxAge`. Place it after `sessionMiddleware`.
 *
 * @example
 * app.post('/api/transfer', sessionMiddleware(manager), requireRecentAuth('5m', { manager }), transfer)
 */
export function requireRecentAuth(maxAge: Duration, options: RequireRecentAuthOptions = {}): RequestHandler {
  return recentAuthMiddleware({ maxAge, realm: options.realm ?? DEFAULT_REALM, manager: options.manager })
}
