import type { IncomingHttpHeaders } from 'node:http'
import type { Socket } from 'node:net'
import type { SessionInfo } from '@curfew/server'
import httpProxy from '@fastify/http-proxy'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type WebSocket from 'ws'
import type { AccessCheck, AccessDecision } from '../access/checkAccess'
import { identityHeaderNames } from '../access/identityHeaders'
import type { GatewayConfig } from '../config/schema'
import { normalisePath, type OriginalRequest } from '../http/originalRequest'
import { applyHeaders, isNavigation, sendReply } from '../http/sendResponse'
import { withoutCookies } from './cookieStrip'
import { upstreamList } from './upstreams'

/** A WebSocket the gateway proxies, with the session it was opened under. */
export interface ProxiedSocket {
  socket: WebSocket
  session: SessionInfo | undefined
}

/** Hooks of the reverse proxy into the rest of the gateway. */
export interface ReverseProxyHooks {
  /** A proxied WebSocket opened (after the upstream accepted it). */
  onSocketOpen(socket: ProxiedSocket): void
  /** It closed. */
  onSocketClose(socket: WebSocket): void
}

const SESSION_COOKIES = ['curfew_session', '__Host-curfew_session', '__Secure-curfew_session']
// Hop-by-hop and spoofable headers the gateway owns.
const decisions = new WeakMap<FastifyRequest['raw'], AccessDecision>()
// The raw socket of an upgrade request, so the WebSocket the proxy opens on it finds its session.
const upgradeSessions = new WeakMap<Socket, SessionInfo>()

const HANDSHAKE_HEADERS = new Set([
  'host',
  'connection',
  'upgrade',
  'content-length',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
])

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !HANDSHAKE_HEADERS.has(name)))
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function originalOf(request: FastifyRequest): OriginalRequest | undefined {
  const uri = request.raw.url ?? '/'
  const path = normalisePath(uri)
  if ('error' in path) return undefined
  const host = (single(request.headers.host) ?? '').toLowerCase()
  const proto = request.protocol === 'https' ? 'https' : 'http'
  return { method: request.method, host, proto, path: path.path, uri }
}

/**
 * Reverse-proxy mode: every request outside the gateway's own routes goes to its upstream (longest
 * prefix wins), HTTP and WebSocket alike, after the same access check as forward auth. The upstream gets
 * the identity headers and never the session cookie; client-sent identity headers are dropped.
 */
export async function registerReverseProxy(
  app: FastifyInstance,
  options: { config: GatewayConfig; access: AccessCheck; hooks: ReverseProxyHooks },
): Promise<void> {
  const { config, access, hooks } = options
  const cookieNames = new Set(config.cookie.name ? [config.cookie.name] : SESSION_COOKIES)
  const spoofable = identityHeaderNames(config.accessToken?.header)

  function upstreamHeaders(request: FastifyRequest, headers: IncomingHttpHeaders): IncomingHttpHeaders {
    const result: IncomingHttpHeaders = { ...headers }
    for (const name of spoofable) delete result[name]
    const cookie = withoutCookies(single(result.cookie), cookieNames)
    if (cookie === undefined) delete result.cookie
    else result.cookie = cookie
    const decision = decisions.get(request.raw)
    if (decision?.kind === 'allowed') {
      for (const [name, value] of decision.identity) result[name.toLowerCase()] = value
    }
    result['x-forwarded-host'] = single(request.headers.host) ?? ''
    result['x-forwarded-proto'] = request.protocol
    const forwardedFor = single(request.headers['x-forwarded-for'])
    result['x-forwarded-for'] = forwardedFor ? `${forwardedFor}, ${request.ip}` : request.ip
    return result
  }

  async function authorise(
    request: FastifyRequest,
    reply: FastifyReply,
    isPublic: boolean,
  ): Promise<unknown> {
    if (isPublic) return undefined
    const original = originalOf(request)
    if (!original) {
      return reply
        .code(400)
        .send({ error: 'bad_request', reason: 'ambiguous_path', message: 'Ambiguous path.' })
    }
    const decision = await access.check(original, {
      cookie: single(request.headers.cookie),
      userAgent: single(request.headers['user-agent']),
      ...(request.headers['curfew-passive'] === undefined
        ? {}
        : { passive: single(request.headers['curfew-passive'])! }),
    })
    decisions.set(request.raw, decision)
    if (decision.kind === 'allowed') {
      applyHeaders(reply, decision.responseHeaders)
      if (request.headers.upgrade !== undefined) upgradeSessions.set(request.raw.socket, decision.session)
      return undefined
    }
    if (decision.kind === 'public') return undefined
    if (decision.response.status === 401 && isNavigation(request.method, single(request.headers.accept))) {
      applyHeaders(reply, decision.response.headers)
      return reply.redirect(decision.signInUrl, 302)
    }
    return sendReply(reply, decision.response)
  }

  for (const upstream of upstreamList(config.upstream)) {
    const base = upstream.prefix.replace(/\/+$/, '')
    const websocket = upstream.websocket
      ? {
          websocket: true as const,
          // Typed loosely upstream; `rewriteRequestHeaders(headers, request)` is the documented hook.
          wsClientOptions: {
            // Only end-to-end headers: the handshake's own (`sec-websocket-*`, `upgrade`) belong to the
            // client's connection, and the proxy's `ws` client makes its own.
            rewriteRequestHeaders: (headers: IncomingHttpHeaders, request: FastifyRequest) =>
              upstreamHeaders(request, { ...headers, ...endToEnd(request.headers) }),
          } as Record<string, unknown>,
          wsHooks: {
            onConnect: (_context: unknown, source: WebSocket) => {
              // `ws` keeps the raw socket of a server-side WebSocket in `_socket`: the upgrade's socket.
              const raw = (source as unknown as { _socket?: Socket })._socket
              hooks.onSocketOpen({ socket: source, session: raw ? upgradeSessions.get(raw) : undefined })
              source.once('close', () => hooks.onSocketClose(source))
            },
          },
        }
      : { websocket: false as const }
    await app.register(httpProxy, {
      upstream: upstream.url,
      prefix: base === '' ? '/' : base,
      rewritePrefix: base === '' ? new URL(upstream.url).pathname.replace(/\/+$/, '') || '/' : base,
      preHandler: (request, reply) => authorise(request, reply, upstream.public),
      replyOptions: {
        rewriteRequestHeaders: (request, headers) =>
          upstreamHeaders(request as FastifyRequest, headers as IncomingHttpHeaders),
      },
      ...websocket,
    })
  }
}
