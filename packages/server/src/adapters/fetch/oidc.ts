import { type CurfewHttpOptions, resolveHttpOptions, withUrl } from '../../http'
import type { OidcRelyingParty } from '../../oidc/relyingParty'
import { handleOidcRoute, matchOidcRoute, methodNotAllowedReply, OIDC_BODY_LIMIT } from '../../oidc/routes'
import type { OidcReply } from '../../oidc/types'
import { readWebBody, requestInfo, toHeaders } from './request'

/** Options of {@link createOidcHandler}: the session handler's cookie options plus the base path. */
export interface OidcHandlerOptions extends CurfewHttpOptions {
  /** Where the OIDC routes live. Default `'/auth'`. */
  basePath?: string
  /** Where RP-initiated logout lands when the IdP has no end-session endpoint. Default `/`. */
  afterLogout?: string
}

/**
 * The OIDC routes for Web `Request`/`Response` runtimes: `GET {basePath}/login`, `GET /callback`,
 * `POST /backchannel-logout` (register this URI at the IdP) and `POST /logout`. Returns `null` for any
 * other path. Use the same cookie options as `createSessionHandler`, so both read one cookie.
 *
 * @example
 * const oidc = createOidcHandler(rp, { basePath: '/auth' })
 * export default { fetch: async (req) => (await oidc(req)) ?? (await session.handle(req)) ?? app(req) }
 */
export function createOidcHandler(
  rp: OidcRelyingParty,
  options: OidcHandlerOptions = {},
): (request: Request) => Promise<Response | null> {
  const resolved = resolveHttpOptions(options)
  const basePath = options.basePath ?? '/auth'
  return async (request) => {
    const info = requestInfo(request)
    const match = matchOidcRoute(info.path ?? '', basePath)
    if (match === null) return null
    if (info.method !== match.method) return toResponse(methodNotAllowedReply(match.method))
    const reply = await handleOidcRoute({
      rp,
      route: match.route,
      request: withUrl(info, request.url),
      readBody: async () => {
        const read = await readWebBody(request, OIDC_BODY_LIMIT)
        return read.ok && 'text' in read ? read.text : undefined
      },
      options: resolved,
      ...(options.afterLogout === undefined ? {} : { afterLogout: options.afterLogout }),
    })
    return toResponse(reply)
  }
}

function toResponse(reply: OidcReply): Response {
  const headers = toHeaders(reply.headers)
  if (reply.body !== undefined) headers.set('content-type', 'application/json; charset=utf-8')
  return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
    status: reply.status,
    headers,
  })
}
