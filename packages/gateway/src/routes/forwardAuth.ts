import { PASSIVE_HEADER } from '@curfew/core'
import type { FastifyInstance } from 'fastify'
import type { AccessCheck } from '../access/checkAccess'
import { IDENTITY_HEADERS } from '../access/identityHeaders'
import { readOriginalRequest } from '../http/originalRequest'
import { applyHeaders, isNavigation, sendReply } from '../http/sendResponse'

/** Header naming where a browser signs in, for proxies that build the redirect themselves (nginx). */
export const SIGN_IN_HEADER = 'X-Curfew-Signin'

const EMPTY_IDENTITY = [...Object.values(IDENTITY_HEADERS), 'X-Curfew-Token']

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/**
 * `GET /auth`: the forward-auth endpoint of nginx `auth_request`, Caddy `forward_auth` and Traefik
 * `ForwardAuth`. 200 with the identity headers, 401 (or, with `?redirect=1`, a 302 to sign-in for a
 * browser navigation), 400 when the proxy did not say what the original request was.
 */
export function forwardAuthRoute(app: FastifyInstance, access: AccessCheck): void {
  app.route({
    method: ['GET', 'HEAD', 'POST'],
    url: '/auth',
    // The subrequest has no body worth reading; never buffer one.
    bodyLimit: 1,
    handler: async (request, reply) => {
      reply.header('cache-control', 'no-store')
      const header = (name: string) => single(request.headers[name])
      const original = readOriginalRequest(header)
      if ('error' in original) return reply.code(400).send(original)
      const passive = header(PASSIVE_HEADER.toLowerCase())
      const decision = await access.check(original, {
        cookie: header('cookie'),
        userAgent: header('user-agent'),
        ...(passive === undefined ? {} : { passive }),
      })
      if (decision.kind !== 'denied') {
        // Every identity header present, empty when unknown: Caddy 2.6's copy_headers forwards an absent
        // header as its literal placeholder.
        for (const name of EMPTY_IDENTITY) reply.header(name, '')
      }
      if (decision.kind === 'public') return reply.code(200).send()
      if (decision.kind === 'allowed') {
        applyHeaders(reply, decision.responseHeaders)
        for (const [name, value] of decision.identity) reply.header(name, value)
        return reply.code(200).send()
      }
      reply.header(SIGN_IN_HEADER, decision.signInUrl)
      const query = request.query as Record<string, unknown>
      if (
        decision.response.status === 401 &&
        query.redirect === '1' &&
        isNavigation(original.method, header('accept'))
      ) {
        applyHeaders(reply, decision.response.headers)
        return reply.redirect(decision.signInUrl, 302)
      }
      return sendReply(reply, decision.response)
    },
  })
}
