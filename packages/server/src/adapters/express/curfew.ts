import type { Duration, SessionStatus } from '@curfew/core'
import express, { type Request, type RequestHandler, type Response, type Router } from 'express'
import {
  type AuthenticateResult,
  authenticateNow,
  type CurfewHttpOptions,
  createRecentAuthCheck,
  endSession,
  handleSessionRoute,
  isPending,
  matchSessionRoute,
  type ResolvedHttpOptions,
  readNodeBody,
  resolveHttpOptions,
  type SignOutResult,
  serverNow,
  signOutResult,
  startSession,
} from '../../http'
import type { CreateSessionInput, SessionManager } from '../../types'
import { attachState } from './attach'
import { applyHeaders, requestInfo, sendReply } from './request'

/** Options of {@link ExpressCurfew.sessionMiddleware} (and the standalone `sessionMiddleware`). */
export interface MiddlewareOptions {
  /**
   * Requests that must not extend the session (background polling): `true` for every request through
   * this middleware, or a predicate. A request with `Curfew-Passive: 1` is passive regardless.
   */
  passive?: boolean | ((req: Request) => boolean)
  /**
   * Let requests without a valid session through with `req.curfew = null` instead of answering 401
   * (pages that show more to signed-in users). A store outage still answers 503 when so configured.
   */
  optional?: boolean
}

/** Curfew for one Express app: every part configured once, with the same cookie and CSRF settings. */
export interface ExpressCurfew {
  readonly manager: SessionManager
  /**
   * Middleware that admits only requests with a live session: sets `req.session` and `req.curfew`, adds
   * `Curfew-Session` (and a rotated cookie), else answers 401 JSON with `WWW-Authenticate` (or 503).
   */
  sessionMiddleware(options?: MiddlewareOptions): RequestHandler
  /** The session routes as a router: mount it at the SDK's base path (default `/session`). */
  sessionRoutes(): Router
  /** Starts a session for a user your app has just authenticated; sets the cookie. */
  signIn(res: Response, input: CreateSessionInput): Promise<SessionStatus>
  /** Ends the request's session (reason `logout`) and clears the cookie. Never throws. */
  signOut(req: Request, res: Response): Promise<SignOutResult>
  /** Guards a sensitive route (after `sessionMiddleware`): 401 `reauth_required` past `maxAge`. */
  requireRecentAuth(maxAge: Duration): RequestHandler
}

function passiveOf(option: MiddlewareOptions['passive'], req: Request): boolean {
  if (typeof option !== 'function') return option === true
  try {
    return option(req) === true
  } catch {
    // A throwing predicate must not crash the request; passive is the side that cannot extend a session.
    return true
  }
}

/** Attaches the state and headers, or sends the refusal; true when the request goes on. */
function admit(req: Request, res: Response, result: AuthenticateResult): boolean {
  if (!result.ok) {
    sendReply(res, result.reply)
    return false
  }
  attachState(req, result.state)
  applyHeaders(res, result.headers)
  return true
}

/** `requireRecentAuth` as Express middleware; `manager` stamps the "no session" answer with its clock. */
export function recentAuthMiddleware(options: {
  maxAge: Duration
  realm: string
  manager: SessionManager | undefined
}): RequestHandler {
  const check = createRecentAuthCheck({
    ...options,
    missingMessage: 'requireRecentAuth needs sessionMiddleware before it.',
  })
  return (req, res, next) => {
    const refusal = check(req.curfew)
    if (refusal) sendReply(res, refusal)
    else next()
  }
}

/** The parts of {@link expressCurfew}, over options already resolved. */
export function createExpressCurfew(manager: SessionManager, resolved: ResolvedHttpOptions): ExpressCurfew {
  return {
    manager,

    sessionMiddleware(options = {}) {
      const { passive, optional = false } = options
      // Not an async function: with a synchronous store the request goes on in the same turn, without a
      // promise and its microtask turns per request.
      return (req, res, next) => {
        const result = authenticateNow(
          { manager, request: requestInfo(req), options: resolved },
          { passive: passiveOf(passive, req), optional },
        )
        if (!isPending(result)) {
          if (admit(req, res, result)) next()
          return
        }
        return Promise.resolve(result).then((settled) => {
          if (admit(req, res, settled)) next()
        })
      }
    },

    sessionRoutes() {
      const router = express.Router()
      router.use(async (req, res, next) => {
        const match = matchSessionRoute(req.method, req.path, serverNow(manager))
        if (!match) {
          next()
          return
        }
        if ('reply' in match) {
          sendReply(res, match.reply)
          return
        }
        const reply = await handleSessionRoute(
          {
            manager,
            request: requestInfo(req),
            options: resolved,
            // A body parser the app mounted earlier (express.json()) has already read and checked it.
            readBody: (limit) =>
              req.body !== undefined
                ? Promise.resolve({ ok: true, consumed: true })
                : readNodeBody(req, limit),
          },
          match.route,
        )
        sendReply(res, reply)
      })
      return router
    },

    async signIn(res, input) {
      const outcome = await startSession({ manager, request: requestInfo(res.req), options: resolved }, input)
      applyHeaders(res, outcome.headers)
      attachState(res.req, { session: outcome.session, status: outcome.status, source: 'cookie' })
      return outcome.status
    },

    async signOut(req, res) {
      const outcome = await endSession({ manager, request: requestInfo(req), options: resolved })
      if (outcome.ok) {
        applyHeaders(res, outcome.headers)
        attachState(req, null)
      }
      return signOutResult(outcome)
    },

    requireRecentAuth(maxAge) {
      return recentAuthMiddleware({ maxAge, realm: resolved.realm, manager })
    },
  }
}

/**
 * Curfew for an Express 5 app, configured once: the middleware, the session routes, `signIn`,
 * `signOut` and `requireRecentAuth` all share one set of cookie, CSRF and realm settings (the
 * standalone functions of the same names take them at each call site instead).
 *
 * @example
 * const curfew = expressCurfew(manager, { cookie: { sameSite: 'strict' } })
 * app.use('/session', curfew.sessionRoutes())
 * app.post('/login', express.json(), async (req, res) => res.json(await curfew.signIn(res, { subject: req.body.user })))
 * app.post('/logout', async (req, res) => {
 *   const result = await curfew.signOut(req, res)
 *   if (!result.ok) return res.status(result.httpStatus).json(result.body)
 *   res.redirect(303, '/')
 * })
 * app.use('/api', curfew.sessionMiddleware())
 * app.post('/api/transfer', curfew.requireRecentAuth('5m'), transfer)
 */
export function expressCurfew(manager: SessionManager, options: CurfewHttpOptions = {}): ExpressCurfew {
  return createExpressCurfew(manager, resolveHttpOptions(options))
}
