import type { SessionStatus } from '@curfew/core'
import type { onRequestAsyncHookHandler } from 'fastify'
import type { CurfewHttpOptions, CurfewRequestState, SignOutResult } from '../../http'
import type { CreateSessionInput, SessionManager } from '../../types'

/** Options of the {@link fastifyCurfew} plugin. */
export interface FastifyCurfewOptions extends CurfewHttpOptions {
  manager: SessionManager
  /**
   * Where the session routes live. Default `'/session'`; `false` registers none. (Fastify's own `prefix`
   * register option does not apply: the plugin decorates the parent scope, like fastify-plugin ones do.)
   */
  basePath?: string | false
}

/** Options of `fastify.curfew.authenticate`-style hooks. */
export interface AuthenticateHookOptions {
  /** Never extend the session (background polling). `config: { curfew: { passive: true } }` does the same per route. */
  passive?: boolean
  /** Let requests without a valid session through with `request.curfew = null` instead of answering 401. */
  optional?: boolean
}

/** `fastify.curfew`: the hooks to protect routes with. */
export interface CurfewDecorator {
  readonly manager: SessionManager
  /**
   * `onRequest`/`preHandler` hook: 401 without a live session, else sets `request.curfew`. Fastify runs
   * it as a callback hook (it finishes in the same turn when the store answers synchronously); called
   * from your own async hook, it returns a promise to await.
   */
  readonly authenticate: onRequestAsyncHookHandler
  /** Builds a hook like `authenticate` with options (`passive`, `optional`). */
  authenticateWith(options: AuthenticateHookOptions): onRequestAsyncHookHandler
  /** Hook for sensitive routes, after `authenticate`: 401 `reauth_required` when sign-in is older than `maxAge`. */
  requireRecentAuth(maxAge: number | string): onRequestAsyncHookHandler
}

/** What `reply.signIn()` takes (the manager's `create` input). */
export type FastifySignInInput = CreateSessionInput

/**
 * What `reply.signOut()` resolves (the same result every adapter's `signOut` gives). `ok: false`: nothing
 * was revoked; send `reply.code(result.httpStatus).send(result.body)` (403 cross-site, 503 store failure).
 */
export type FastifySignOutResult = SignOutResult

declare module 'fastify' {
  interface FastifyInstance {
    /** Curfew's hooks, added by the `fastifyCurfew` plugin. */
    curfew: CurfewDecorator
  }
  interface FastifyRequest {
    /** The live session, set by `fastify.curfew.authenticate` (and `reply.signIn`); `null` otherwise. */
    curfew: CurfewRequestState | null
  }
  interface FastifyReply {
    /** Starts a session for a user the app has just authenticated and sets the session cookie. */
    signIn(input: FastifySignInInput): Promise<SessionStatus>
    /** Ends the request's session (reason `logout`) and clears the cookie. Never throws. */
    signOut(): Promise<FastifySignOutResult>
  }
  interface FastifyContextConfig {
    /** Per-route Curfew settings: `{ passive: true }` never extends the session. */
    curfew?: { passive?: boolean }
  }
}
