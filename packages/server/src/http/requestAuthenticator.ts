import type { SessionManager } from '../types'
import { type AuthenticateResult, type AuthenticateSettings, authenticate } from './authenticate'
import { type CurfewHttpOptions, resolveHttpOptions } from './options'
import type { HttpRequestInfo } from './types'

/**
 * The middleware step of every adapter, for a request your own code reads: a live session (counted as
 * activity unless passive) plus the `Curfew-Session` (and rotated `Set-Cookie`) headers to send, or the
 * complete 401/503 answer.
 */
export interface RequestAuthenticator {
  (
    request: HttpRequestInfo,
    settings?: AuthenticateSettings & { optional?: false },
  ): Promise<Exclude<AuthenticateResult, { state: null }>>
  /** With `optional: true`, a request a 401 would refuse passes with `state: null`. */
  (request: HttpRequestInfo, settings?: AuthenticateSettings): Promise<AuthenticateResult>
}

/**
 * Builds the middleware step for a server that is not Express, Fastify or a Web `Request` runtime (a
 * forward-auth service, Node's bare `http`): options are resolved once here; each call reads the token
 * through `request.header`, validates it and answers with plain arrays — no `Request`, `Headers` or
 * `Response` objects per request.
 *
 * @example
 * const authenticate = createRequestAuthenticator(manager)
 * http.createServer(async (req, res) => {
 *   const result = await authenticate({
 *     method: req.method ?? 'GET',
 *     header: (name) => req.headers[name] as string | undefined,
 *     host: req.headers.host,
 *   })
 *   if (!result.ok) return res.writeHead(result.reply.status, result.reply.headers).end(JSON.stringify(result.reply.body))
 *   res.writeHead(200, result.headers).end(`hello ${result.state?.session.subject}`)
 * })
 */
export function createRequestAuthenticator(
  manager: SessionManager,
  options: CurfewHttpOptions = {},
): RequestAuthenticator {
  const resolved = resolveHttpOptions(options)
  return ((request: HttpRequestInfo, settings?: AuthenticateSettings) =>
    authenticate({ manager, request, options: resolved }, settings)) as RequestAuthenticator
}
