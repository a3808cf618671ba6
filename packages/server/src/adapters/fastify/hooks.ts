import type {
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  onRequestAsyncHookHandler,
} from 'fastify'
import {
  type AuthenticateResult,
  authenticateNow,
  createRecentAuthCheck,
  isPending,
  type ResolvedHttpOptions,
} from '../../http'
import type { SessionManager } from '../../types'
import { applyHeaders, requestInfo, sendReply } from './request'
import type { AuthenticateHookOptions, CurfewDecorator } from './types'

// Declared as the async hook it always was (the public type); at run time Fastify passes `done`.
type CurfewHook = onRequestAsyncHookHandler

function routePassive(request: FastifyRequest): boolean {
  return request.routeOptions?.config?.curfew?.passive === true
}

/** Attaches the state and headers, or sends the refusal; true when the request goes on. */
function apply(request: FastifyRequest, reply: FastifyReply, result: AuthenticateResult): boolean {
  if (!result.ok) {
    sendReply(reply, result.reply)
    return false
  }
  request.curfew = result.state
  applyHeaders(reply, result.headers)
  return true
}

/**
 * A callback hook (Fastify passes `done`): with a synchronous store it finishes in the same turn, where
 * an async hook cost a promise and its microtask turns per request. Called without `done` (from your own
 * async hook), it returns a promise, as the async hook it replaced did.
 */
function hook(
  step: (request: FastifyRequest, reply: FastifyReply) => AuthenticateResult | Promise<AuthenticateResult>,
) {
  return function curfewAuthenticate(
    request: FastifyRequest,
    reply: FastifyReply,
    done?: HookHandlerDoneFunction,
  ): Promise<void> | undefined {
    const result = step(request, reply)
    if (done === undefined) {
      return Promise.resolve(result).then((settled) => {
        apply(request, reply, settled)
      })
    }
    if (isPending(result)) {
      result.then(
        (settled) => {
          if (apply(request, reply, settled)) done()
        },
        (error: Error) => done(error),
      )
    } else if (apply(request, reply, result)) {
      done()
    }
    return undefined
  } as unknown as CurfewHook
}

/** Builds `fastify.curfew`. */
export function createDecorator(manager: SessionManager, options: ResolvedHttpOptions): CurfewDecorator {
  const authenticateWith = (settings: AuthenticateHookOptions): CurfewHook => {
    const optional = settings.optional === true
    return hook((request) =>
      authenticateNow(
        { manager, request: requestInfo(request), options },
        { passive: settings.passive === true || routePassive(request), optional },
      ),
    )
  }

  const requireRecentAuth = (maxAge: number | string): CurfewHook => {
    const check = createRecentAuthCheck({
      maxAge,
      realm: options.realm,
      manager,
      missingMessage: 'requireRecentAuth needs fastify.curfew.authenticate before it.',
    })
    return function curfewRequireRecentAuth(
      request: FastifyRequest,
      reply: FastifyReply,
      done?: HookHandlerDoneFunction,
    ): Promise<void> | undefined {
      const refusal = check(request.curfew)
      if (refusal) sendReply(reply, refusal)
      else done?.()
      return done === undefined ? Promise.resolve() : undefined
    } as unknown as CurfewHook
  }

  return { manager, authenticate: authenticateWith({}), authenticateWith, requireRecentAuth }
}
