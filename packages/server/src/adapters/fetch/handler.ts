import type { Duration, SessionStatus } from '@curfew/core'
import {
  authenticate,
  type CurfewHttpOptions,
  type CurfewRequestState,
  checkRecentAuth,
  endSession,
  handleSessionRoute,
  matchSessionRoute,
  recentAuthLimit,
  resolveHttpOptions,
  serverNow,
  startSession,
} from '../../http'
import type { CreateSessionInput, SessionInfo, SessionManager } from '../../types'
import { readWebBody, requestInfo, toHeaders, toResponse } from './request'

/** Options of {@link createSessionHandler}. */
export interface SessionHandlerOptions extends CurfewHttpOptions {
  /** Where the session routes live. Default `'/session'`. */
  basePath?: string
}

/** A request that passed: the session, and headers to put on your response (`Curfew-Session`, rotated cookie). */
export interface Authenticated extends CurfewRequestState {
  ok: true
  headers: Headers
}

/** A request that did not pass: send `response` (401/503 JSON with `WWW-Authenticate`). */
export interface NotAuthenticated {
  ok: false
  response: Response
}

/** What `signIn` produced: send `headers` (the session cookie) with your response. */
export interface SignedIn {
  session: SessionInfo
  status: SessionStatus
  headers: Headers
}

/** What `signOut` produced. `ok: false`: nothing was revoked; send `response` (403 cross-site, 503). */
export type SignedOut =
  | { ok: true; status: SessionStatus | null; headers: Headers }
  | { ok: false; response: Response }

/** Curfew for Web `Request`/`Response` runtimes. */
export interface SessionHandler {
  /** Answers a session route (`{basePath}`, `/activity`, `/refresh`, `/logout`, `/policy`); `null` for any other path. */
  handle(request: Request): Promise<Response | null>
  /** The middleware step: a live session (counted as activity unless passive) or a ready 401/503 `Response`. */
  authenticate(request: Request, options?: { passive?: boolean }): Promise<Authenticated | NotAuthenticated>
  /** Starts a session for a user your app has just authenticated. */
  signIn(request: Request, input: CreateSessionInput): Promise<SignedIn>
  /** Ends the request's session (reason `logout`) and returns the headers that clear the cookie. */
  signOut(request: Request): Promise<SignedOut>
  /** For sensitive routes: a 401 `reauth_required` `Response` when sign-in is older than `maxAge`, else `null`. */
  requireRecentAuth(auth: CurfewRequestState, maxAge: Duration): Response | null
}

function normaliseBase(basePath: string): string {
  const trimmed = basePath.replace(/\/+$/, '')
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`
}

/**
 * Curfew for any runtime with Web `Request`/`Response`: Hono, Next.js route handlers, Bun, Deno,
 * Cloudflare Workers (with a store that runs there). No Node built-ins.
 *
 * @example
 * const curfew = createSessionHandler(manager)
 * export default {
 *   async fetch(request: Request) {
 *     const session = await curfew.handle(request)
 *     if (session) return session
 *     const auth = await curfew.authenticate(request)
 *     if (!auth.ok) return auth.response
 *     return Response.json({ user: auth.session.subject }, { headers: auth.headers })
 *   },
 * }
 */
export function createSessionHandler(
  manager: SessionManager,
  options: SessionHandlerOptions = {},
): SessionHandler {
  const { basePath = '/session', ...httpOptions } = options
  const base = normaliseBase(basePath)
  const resolved = resolveHttpOptions(httpOptions)

  return {
    async handle(request) {
      const info = requestInfo(request)
      const path = info.path ?? ''
      if (path !== base && !path.startsWith(`${base}/`)) return null
      const match = matchSessionRoute(info.method, path.slice(base.length), serverNow(manager))
      if (!match) return null
      if ('reply' in match) return toResponse(match.reply, info.method)
      const reply = await handleSessionRoute(
        { manager, request: info, options: resolved, readBody: (limit) => readWebBody(request, limit) },
        match.route,
      )
      return toResponse(reply, info.method)
    },

    async authenticate(request, settings = {}) {
      const info = requestInfo(request)
      const result = await authenticate({ manager, request: info, options: resolved }, settings)
      if (!result.ok) return { ok: false, response: toResponse(result.reply, info.method) }
      return { ok: true, ...result.state, headers: toHeaders(result.headers) }
    },

    async signIn(request, input) {
      const outcome = await startSession({ manager, request: requestInfo(request), options: resolved }, input)
      return { session: outcome.session, status: outcome.status, headers: toHeaders(outcome.headers) }
    },

    async signOut(request) {
      const info = requestInfo(request)
      const outcome = await endSession({ manager, request: info, options: resolved })
      if (!outcome.ok) return { ok: false, response: toResponse(outcome.reply, info.method) }
      return { ok: true, status: outcome.status, headers: toHeaders(outcome.headers) }
    },

    requireRecentAuth(auth, maxAge) {
      const refusal = checkRecentAuth(auth, { maxAgeMs: recentAuthLimit(maxAge), realm: resolved.realm })
      return refusal ? toResponse(refusal, 'GET') : null
    },
  }
}
