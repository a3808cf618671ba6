import type { Duration, SessionStatus } from '@curfew/core'
import {
  type AuthenticateResult,
  type AuthenticateSettings,
  authenticateNow,
  type CurfewHttpOptions,
  type CurfewRequestState,
  createRecentAuthCheck,
  endSession,
  handleSessionRoute,
  isPending,
  matchSessionRoute,
  type RecentAuthCheck,
  resolveHttpOptions,
  type SignOutResult,
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
  /** The headers to send, as a `Headers` object (built when first read). */
  headers: Headers
  /**
   * The same headers as `[name, value]` pairs, in order (`Set-Cookie` may repeat): append them to your
   * response without building a `Headers` object for them.
   */
  headerList: ReadonlyArray<readonly [name: string, value: string]>
}

/** A request without a valid session that `optional` let through: no session, and headers to send (a cleared cookie). */
export interface Anonymous {
  ok: true
  session: null
  status: null
  source: null
  /** The headers to send, as a `Headers` object (built when first read). */
  headers: Headers
  /** The same headers as `[name, value]` pairs, in order. */
  headerList: ReadonlyArray<readonly [name: string, value: string]>
}

/** The Node request behind a Web `Request` (`c.env.incoming` on @hono/node-server): its plain header object. */
export interface IncomingHeaders {
  headers: Record<string, string | string[] | undefined>
}

/** Options of {@link SessionHandler.authenticate}. */
export interface AuthenticateOptions extends AuthenticateSettings {
  /**
   * The Node request behind `request`, when there is one (`c.env.incoming` on @hono/node-server): the
   * cookie and the other headers Curfew reads come from its plain header object instead of
   * `request.headers`, which such servers build on first read. Leave it out on other runtimes.
   */
  incoming?: IncomingHeaders | undefined
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

/**
 * What `signOut` produced: the {@link SignOutResult} every adapter gives, plus what to send. `ok: true`:
 * send `headers` (they clear the cookie). `ok: false`: nothing was revoked; send `response` (403
 * cross-site, 503), or build your own from `httpStatus` and `body`.
 */
export type SignedOut =
  | (Extract<SignOutResult, { ok: true }> & { headers: Headers })
  | (Extract<SignOutResult, { ok: false }> & { response: Response })

/** A guard built once by `requireRecentAuth(maxAge)`: a 401 `Response` for a stale or missing sign-in, else `null`. */
export type RecentAuthGuard = (auth: CurfewRequestState | Anonymous | null | undefined) => Response | null

/** Curfew for Web `Request`/`Response` runtimes. */
export interface SessionHandler {
  /** Answers a session route (`{basePath}`, `/activity`, `/refresh`, `/logout`, `/policy`); `null` for any other path. */
  handle(request: Request): Promise<Response | null>
  /**
   * The middleware step: a live session (counted as activity unless passive) or a ready 401/503
   * `Response`; with `optional: true`, a request a 401 would refuse passes as {@link Anonymous}.
   */
  authenticate(
    request: Request,
    options: AuthenticateOptions & { optional: true },
  ): Promise<Authenticated | Anonymous | NotAuthenticated>
  authenticate(request: Request, options?: AuthenticateOptions): Promise<Authenticated | NotAuthenticated>
  /** Starts a session for a user your app has just authenticated. */
  signIn(request: Request, input: CreateSessionInput): Promise<SignedIn>
  /** Ends the request's session (reason `logout`) and returns the headers that clear the cookie. */
  signOut(request: Request): Promise<SignedOut>
  /**
   * For sensitive routes: builds a guard once (`maxAge` parsed here, so a typo fails at setup) that
   * answers a 401 `reauth_required` `Response` when sign-in is older than `maxAge` (or 401 `no_session`
   * without a session), else `null`.
   */
  requireRecentAuth(maxAge: Duration): RecentAuthGuard
  /**
   * The same check in one call. `maxAge` is parsed on first use of each value and remembered; prefer
   * the one-argument form, which fails at setup.
   */
  requireRecentAuth(auth: CurfewRequestState | Anonymous, maxAge: Duration): Response | null
}

/**
 * An admitted request's answer. `headers` is a getter on the class (an object literal with accessors is
 * built through a slow runtime path, ~2 µs per request on @hono/node-server): a `Headers` object is made
 * only when read, while `headerList` serves the README's pattern without one.
 */
class Admitted {
  readonly ok = true
  readonly session: SessionInfo | null
  readonly status: SessionStatus | null
  readonly source: CurfewRequestState['source'] | null
  readonly headerList: ReadonlyArray<readonly [name: string, value: string]>
  #headers: Headers | undefined

  constructor(state: CurfewRequestState | null, headerList: ReadonlyArray<readonly [string, string]>) {
    this.session = state === null ? null : state.session
    this.status = state === null ? null : state.status
    this.source = state === null ? null : state.source
    this.headerList = headerList
  }

  get headers(): Headers {
    this.#headers ??= toHeaders(this.headerList)
    return this.#headers
  }

  set headers(value: Headers) {
    this.#headers = value
  }
}

/** The adapter's answer to `authenticate`. */
function authenticated(
  result: AuthenticateResult,
  method: string,
): Authenticated | Anonymous | NotAuthenticated {
  if (!result.ok) return { ok: false, response: toResponse(result.reply, method) }
  return new Admitted(result.state, result.headers) as Authenticated | Anonymous
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

  const recentAuthCheck = (maxAge: Duration): RecentAuthCheck =>
    createRecentAuthCheck({
      maxAge,
      realm: resolved.realm,
      manager,
      missingMessage: 'requireRecentAuth needs a session from authenticate().',
    })
  const guard =
    (check: RecentAuthCheck): RecentAuthGuard =>
    (auth) => {
      const refusal = check(auth?.session ? auth : null)
      return refusal ? toResponse(refusal, 'GET') : null
    }
  // For the two-argument form: each distinct maxAge parsed once.
  const checks = new Map<Duration, RecentAuthCheck>()

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

    // Not async: with a synchronous store the answer is one resolved promise, not a chain of them.
    authenticate(request: Request, settings: AuthenticateOptions = {}) {
      const info = requestInfo(request, settings.incoming)
      const result = authenticateNow({ manager, request: info, options: resolved }, settings)
      if (isPending(result))
        return Promise.resolve(result).then((settled) => authenticated(settled, info.method))
      return Promise.resolve(authenticated(result, info.method))
    },

    async signIn(request, input) {
      const outcome = await startSession({ manager, request: requestInfo(request), options: resolved }, input)
      return { session: outcome.session, status: outcome.status, headers: toHeaders(outcome.headers) }
    },

    async signOut(request) {
      const info = requestInfo(request)
      const outcome = await endSession({ manager, request: info, options: resolved })
      if (!outcome.ok) {
        const { httpStatus, body, reply } = outcome
        return { ok: false, httpStatus, body, response: toResponse(reply, info.method) }
      }
      return { ok: true, status: outcome.status, headers: toHeaders(outcome.headers) }
    },

    requireRecentAuth(...args: [Duration] | [CurfewRequestState | Anonymous, Duration]) {
      if (args.length === 1) return guard(recentAuthCheck(args[0]))
      const [auth, maxAge] = args
      let check = checks.get(maxAge)
      if (check === undefined) {
        check = recentAuthCheck(maxAge)
        if (checks.size >= 64) checks.clear()
        checks.set(maxAge, check)
      }
      return guard(check)(auth)
    },
  } as SessionHandler
}
