import { PASSIVE_HEADER } from '@curfew/core'
import {
  type CurfewHttpOptions,
  createRequestAuthenticator,
  type HttpReply,
  type HttpRequestInfo,
  type SessionInfo,
  type SessionManager,
} from '@curfew/server'
import type { GatewayConfig } from '../config/schema'
import type { OriginalRequest } from '../http/originalRequest'
import { type PathMatcher, pathMatcher } from '../http/pathPatterns'
import { identityHeaders } from './identityHeaders'

/** What the gateway decided about one original request. */
export type AccessDecision =
  | { kind: 'public' }
  | {
      kind: 'allowed'
      session: SessionInfo
      /** `Curfew-Session` and, after a token rotation, `Set-Cookie`: for the browser. */
      responseHeaders: ReadonlyArray<[string, string]>
      /** `X-Curfew-Subject`, `X-Curfew-Session`, `X-Curfew-Policy`, the access JWT: for the upstream. */
      identity: Array<[string, string]>
    }
  | {
      kind: 'denied'
      /** The 401/503 answer (JSON `SessionError`, `WWW-Authenticate`, cookie cleared when stale). */
      response: HttpReply
      /** Where a browser signs in and comes back to the original URL. */
      signInUrl: string
    }

/** Decides access for original requests, by the config's public/passive/tier rules. */
export interface AccessCheck {
  check(
    request: OriginalRequest,
    headers: { cookie?: string | undefined; userAgent?: string | undefined; passive?: string },
  ): Promise<AccessDecision>
  signInUrl(request: OriginalRequest, policy?: string): string
}

interface TierRule {
  policy: string
  matcher: PathMatcher
}

/** Where the gateway's own browser routes live (sign-in, sign-out, OIDC callback). */
export const GATEWAY_PREFIX = '/curfew'

const PASSIVE = PASSIVE_HEADER.toLowerCase()

/**
 * The original request as the session protocol sees it: its method, host and path, and of its headers
 * only the cookie, the user agent (audit) and `Curfew-Passive`. An `Authorization` header belongs to the
 * app behind the proxy, never to Curfew.
 */
function forwardedView(
  request: OriginalRequest,
  headers: { cookie?: string | undefined; userAgent?: string | undefined; passive?: string },
): HttpRequestInfo {
  return {
    method: request.method,
    host: request.host,
    path: request.path,
    header: (name) =>
      name === 'cookie'
        ? headers.cookie
        : name === 'user-agent'
          ? headers.userAgent
          : name === PASSIVE
            ? headers.passive
            : undefined,
  }
}

/**
 * Builds the one access rule shared by forward auth and the reverse proxy: public paths pass, every
 * other request needs a live session (validated as activity unless its path is passive), of the tier its
 * path requires.
 */
export function createAccessCheck(options: {
  manager: SessionManager
  http: CurfewHttpOptions
  config: GatewayConfig
}): AccessCheck {
  const { manager, config } = options
  // The protocol step itself, without a Web `Request` per check: this runs on every proxied request.
  const authenticate = createRequestAuthenticator(manager, options.http)
  const publicPaths = pathMatcher(config.public)
  const passivePaths = pathMatcher(config.passive)
  const tiers: TierRule[] = config.tiers.map((tier) => ({
    policy: tier.policy,
    matcher: pathMatcher(tier.paths),
  }))

  function signInUrl(request: OriginalRequest, policy?: string): string {
    const base = config.publicUrl?.replace(/\/+$/, '') ?? `${request.proto}://${request.host}`
    const back = `${request.proto}://${request.host}${request.uri}`
    const query = new URLSearchParams({ rd: back })
    if (policy) query.set('policy', policy)
    return `${base}${GATEWAY_PREFIX}/signin?${query}`
  }

  return {
    signInUrl,
    async check(request, headers) {
      if (publicPaths.matches(request)) return { kind: 'public' }
      const tier = tiers.find((rule) => rule.matcher.matches(request))?.policy
      // The app's own `Curfew-Passive: 1` (background polling) counts here as it does in the middleware.
      const auth = await authenticate(forwardedView(request, headers), {
        passive: passivePaths.matches(request),
      })
      if (!auth.ok) return { kind: 'denied', response: auth.reply, signInUrl: signInUrl(request, tier) }
      const { session } = auth.state
      if (tier !== undefined && session.policy !== tier) {
        const body = {
          error: 'reauth_required',
          reason: 'policy_tier',
          policy: tier,
          message: `This path needs a session of the "${tier}" policy; sign in again.`,
          serverTime: manager.now(),
        }
        const response: HttpReply = {
          status: 401,
          headers: [
            ['Content-Type', 'application/json; charset=utf-8'],
            ['Cache-Control', 'no-store'],
            ['WWW-Authenticate', 'Curfew realm="curfew", error="reauth_required"'],
          ],
          body,
        }
        return { kind: 'denied', response, signInUrl: signInUrl(request, tier) }
      }
      let accessToken: { header: string; token: string } | undefined
      if (config.accessToken) {
        accessToken = {
          header: config.accessToken.header,
          token: await manager.issueAccessToken(session),
        }
      }
      return {
        kind: 'allowed',
        session,
        responseHeaders: auth.headers,
        identity: identityHeaders(session, accessToken),
      }
    },
  }
}
