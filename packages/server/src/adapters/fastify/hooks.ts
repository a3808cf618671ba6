import type {
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  onRequestAsyncHookHandler,
  onRouteHookHandler,
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

// The route hook lists `routeHooks` rewrites (Fastify's own route-level hook options).
const HOOK_LISTS = ['onRequest', 'preParsing', 'preValidation', 'preHandler'] as const

/** Builds `fastify.curfew`, and the `onRoute` hook that binds its hooks to each route's settings. */
export function createDecorator(
  manager: SessionManager,
  options: ResolvedHttpOptions,
): CurfewDecorator & { routeHooks: onRouteHookHandler } {
  // The settings of each authenticate hook handed out: a route that lists one gets a copy bound to its
  // own `config.curfew.passive`, read once here. Fastify 5 builds `request.routeOptions` (a 12-field
  // object) on every read; a hook added with `addHook` still reads it per request.
  const handedOut = new WeakMap<object, AuthenticateHookOptions>()
  const bound = (settings: AuthenticateHookOptions, passive: boolean): CurfewHook => {
    const routeSettings = { passive, optional: settings.optional === true }
    return hook((request) =>
      authenticateNow({ manager, request: requestInfo(request), options }, routeSettings),
    )
  }
  const authenticateWith = (settings: AuthenticateHookOptions): CurfewHook => {
    const optional = settings.optional === true
    const created = hook((request) =>
      authenticateNow(
        { manager, request: requestInfo(request), options },
        { passive: settings.passive === true || routePassive(request), optional },
      ),
    )
    handedOut.set(created, settings)
    return created
  }

  const routeHooks: onRouteHookHandler = (route) => {
    const passive = route.config?.curfew?.passive === true
    const rebind = (fn: unknown) => {
      const settings = typeof fn === 'function' ? handedOut.get(fn) : undefined
      return settings === undefined ? fn : bound(settings, settings.passive === true || passive)
    }
    const lists = route as unknown as Record<(typeof HOOK_LISTS)[number], unknown>
    for (const name of HOOK_LISTS) {
      const listed = lists[name]
      if (Array.isArray(listed)) lists[name] = listed.map(rebind)
      else if (listed !== undefined) lists[name] = rebind(listed)
    }
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

  return { manager, authenticate: authenticateWith({}), authenticateWith, requireRecentAuth, routeHooks }
}
