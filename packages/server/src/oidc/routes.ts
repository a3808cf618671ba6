import {
  clearedCookie,
  cookieSettings,
  isCrossSiteForgery,
  type ResolvedHttpOptions,
  readCookie,
  sessionCookie,
} from '../http'
import type { HttpRequestInfo } from '../http/types'
import type { OidcRelyingParty } from './relyingParty'
import type { OidcReply } from './types'

/** The OIDC routes under the app's auth base path (default `/auth`). */
export type OidcRoute = 'login' | 'callback' | 'backchannel' | 'logout'

const ROUTES: Record<string, { route: OidcRoute; method: string }> = {
  '/login': { route: 'login', method: 'GET' },
  '/callback': { route: 'callback', method: 'GET' },
  '/backchannel-logout': { route: 'backchannel', method: 'POST' },
  '/logout': { route: 'logout', method: 'POST' },
}

/** Largest back-channel body read: a logout token is a few KB. */
export const OIDC_BODY_LIMIT = 64 * 1024

/** Which OIDC route a path names under `basePath`, or `null`. */
export function matchOidcRoute(path: string, basePath: string): { route: OidcRoute; method: string } | null {
  if (!path.startsWith(`${basePath}/`)) return null
  return ROUTES[path.slice(basePath.length)] ?? null
}

/** The 405 an adapter answers when a matched OIDC route is called with the wrong method. */
export function methodNotAllowedReply(method: string): OidcReply {
  return {
    status: 405,
    headers: [
      ['Allow', method],
      ['Cache-Control', 'no-store'],
    ],
    body: { error: 'method_not_allowed', reason: 'method_not_allowed' },
  }
}

/** What an adapter gives the OIDC protocol layer for one request. */
export interface OidcRouteContext {
  rp: OidcRelyingParty
  route: OidcRoute
  request: HttpRequestInfo & { url: string }
  /** Reads the body as text (at most {@link OIDC_BODY_LIMIT} bytes); `undefined` when too large. */
  readBody: () => Promise<string | undefined>
  options: ResolvedHttpOptions
  /** Where RP-initiated logout lands when the IdP has no `end_session_endpoint`. Default `/`. */
  afterLogout?: string
}

/**
 * The OIDC routes, framework-free: `GET login` (302 to the IdP), `GET callback` (session cookie set, 302
 * back), `POST backchannel-logout` (form `logout_token`; 200/400 per Back-Channel Logout §2.8) and
 * `POST logout` (same-origin only; 303 to the IdP's end-session URL). Every adapter only reads the
 * request and writes this reply.
 */
export async function handleOidcRoute(context: OidcRouteContext): Promise<OidcReply> {
  const { rp, request, options } = context
  const settings = cookieSettings(options, request)
  const url = new URL(request.url, `http://${request.host ?? 'localhost'}`)
  switch (context.route) {
    case 'login':
      return rp.signIn({ returnTo: url.searchParams.get('returnTo') ?? '/' })
    case 'callback': {
      const result = await rp.callback({
        url: request.url,
        cookie: request.header('cookie'),
        currentToken: readCookie(request.header('cookie'), settings.name) ?? null,
        meta: { method: request.method, ...(request.path === undefined ? {} : { path: request.path }) },
      })
      if (!result.ok) return result.reply
      return {
        status: 302,
        headers: [
          ['Location', result.returnTo],
          ['Set-Cookie', sessionCookie({ settings, token: result.token, status: result.status })],
          ...result.headers,
        ],
      }
    }
    case 'backchannel': {
      const body = await context.readBody()
      return rp.backchannelLogout({ body })
    }
    case 'logout': {
      if (isCrossSiteForgery(request, options, 'cookie')) {
        return {
          status: 403,
          headers: [['Cache-Control', 'no-store']],
          body: { error: 'csrf', reason: 'cross_site' },
        }
      }
      const { location } = await rp.signOut({
        token: readCookie(request.header('cookie'), settings.name) ?? null,
      })
      return {
        status: 303,
        headers: [
          ['Location', location ?? context.afterLogout ?? '/'],
          ['Set-Cookie', clearedCookie(settings)],
          ['Cache-Control', 'no-store'],
        ],
      }
    }
  }
}
