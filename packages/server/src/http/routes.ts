import type { SessionStatus } from '@curfew/core'
import type { ValidateResult } from '../types'
import type { ProtocolContext } from './authenticate'
import { acceptedHeaders, authenticate, guarded, isReply, requestMeta, serverNow } from './authenticate'
import { checkBody } from './body'
import { cookieSettings } from './cookie'
import type { Credentials } from './credentials'
import { readCredentials } from './credentials'
import { isCrossSiteForgery } from './csrf'
import { csrfReply, jsonReply, rejectionReply, unavailableReply } from './replies'
import { logoutReply } from './signOut'
import type { BodyReader, HttpReply, RouteError } from './types'

/** The session routes of the Curfew protocol, relative to the base path (default `/session`). */
export type SessionRoute = 'status' | 'activity' | 'refresh' | 'logout' | 'policy'

const ROUTES: Record<string, { route: SessionRoute; method: 'GET' | 'POST' }> = {
  '': { route: 'status', method: 'GET' },
  '/activity': { route: 'activity', method: 'POST' },
  '/refresh': { route: 'refresh', method: 'POST' },
  '/logout': { route: 'logout', method: 'POST' },
  '/policy': { route: 'policy', method: 'GET' },
}

/**
 * Resolves a path below the base path (`''`, `'/'`, `'/activity'`, ...) and method to a route; a known
 * path with the wrong method is answered 405 with `Allow`; unknown paths are `null` (not ours).
 */
export function matchSessionRoute(
  method: string,
  subpath: string,
  serverTime: number,
): { route: SessionRoute } | { reply: HttpReply } | null {
  const key =
    subpath.length > 1 && subpath.endsWith('/') ? subpath.slice(0, -1) : subpath === '/' ? '' : subpath
  const entry = ROUTES[key]
  // OPTIONS is left to the app's CORS handling (preflights for cross-origin browser apps).
  if (!entry || method === 'OPTIONS') return null
  const allowed = entry.method === 'GET' ? ['GET', 'HEAD'] : ['POST']
  if (allowed.includes(method)) return { route: entry.route }
  const body: RouteError = {
    error: 'method_not_allowed',
    reason: 'method_not_allowed',
    serverTime,
    message: `Use ${entry.method} for this session route.`,
  }
  return { reply: jsonReply(405, body, [['Allow', allowed.join(', ')]]) }
}

/** Inputs of {@link handleSessionRoute}. */
export interface SessionRouteContext extends ProtocolContext {
  /** Reads the body of a session POST; adapters whose framework already parsed it say `consumed`. */
  readBody: BodyReader
}

function statusReply(
  context: ProtocolContext,
  accepted: Extract<ValidateResult, { ok: true }> & { source: Credentials['source'] },
): HttpReply {
  const source = accepted.source ?? 'cookie'
  return jsonReply(200, accepted.status, acceptedHeaders(context, { ...accepted, source }))
}

async function withAccessToken(
  context: ProtocolContext,
  accepted: Extract<ValidateResult, { ok: true }>,
): Promise<SessionStatus> {
  // The manager refuses (throws `invalid_option`) when no `tokens` option is configured; a failure to
  // sign is no reason to fail a refresh either. The session is fine: the answer just has no JWT.
  try {
    return { ...accepted.status, accessToken: await context.manager.issueAccessToken(accepted.session) }
  } catch {
    return accepted.status
  }
}

async function post(
  context: SessionRouteContext,
  route: 'activity' | 'refresh' | 'logout',
): Promise<HttpReply> {
  const { manager, request, options } = context
  const credentials = readCredentials(request, options)
  if (isCrossSiteForgery(request, options, credentials.source)) return csrfReply(serverNow(manager))
  const invalidBody = checkBody(await context.readBody(options.bodyLimit), serverNow(manager))
  if (invalidBody) return invalidBody
  if (route === 'logout') return logoutReply(context, credentials)
  const meta = requestMeta(request)
  const result = await guarded(manager, () =>
    route === 'refresh'
      ? manager.refresh(credentials.token, { meta })
      : manager.validate(credentials.token, { activity: true, meta }),
  )
  if (isReply(result)) return result
  if (!result.ok) {
    const settings = cookieSettings(options, request)
    return rejectionReply({ rejection: result, source: credentials.source, settings, realm: options.realm })
  }
  const reply = statusReply(context, { ...result, source: credentials.source })
  if (route === 'refresh') reply.body = await withAccessToken(context, result)
  return reply
}

/**
 * Answers one session route completely: status, headers (`Curfew-Session`, `Set-Cookie`, challenges)
 * and JSON body. Never throws; client mistakes get 400/401/403/405/413, manager failures 503.
 *
 * @example
 * const match = matchSessionRoute(request.method, '/activity', manager.now())
 * if (match && 'route' in match) send(await handleSessionRoute({ manager, request, options, readBody }, match.route))
 */
export async function handleSessionRoute(
  context: SessionRouteContext,
  route: SessionRoute,
): Promise<HttpReply> {
  const { manager } = context
  try {
    if (route === 'policy') return jsonReply(200, manager.policyDocument())
    if (route === 'status') {
      const result = await authenticate(context, { passive: true })
      return result.ok ? jsonReply(200, result.state.status, result.headers) : result.reply
    }
    return await post(context, route)
  } catch {
    return unavailableReply(serverNow(manager))
  }
}
