import type { FastifyInstance, FastifyRequest } from 'fastify'
import { GATEWAY_PREFIX } from '../access/checkAccess'
import type { GatewayConfig } from '../config/schema'
import { safeReturnTo } from '../http/returnTo'
import { addressedHost } from './addressedHost'
import { crossSiteFormPost } from './crossSite'

const SUBJECT_RE = /^[A-Za-z0-9._@+-]{1,128}$/

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function page(returnTo: string, policy: string | undefined): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in (development)</title></head>
<body>
<p><strong>Development sign-in</strong>: any name, no password. Never enable <code>devSignIn</code> in production.</p>
<form method="post" action="${GATEWAY_PREFIX}/signin">
<label>Name <input name="subject" autocomplete="username" required pattern="[A-Za-z0-9._@+\\-]{1,128}"></label>
<input type="hidden" name="rd" value="${escapeHtml(returnTo)}">
${policy ? `<input type="hidden" name="policy" value="${escapeHtml(policy)}">` : ''}
<button>Sign in</button>
</form></body></html>`
}

/**
 * DEVELOPMENT ONLY (`"devSignIn": true`): `GET /curfew/signin` shows a name-only form and `POST` signs
 * that name in and returns to `rd`. Register inside {@link withFormBodies}. Stands in for an identity provider on a laptop and in tests.
 */
export function devSignInRoutes(app: FastifyInstance, config: GatewayConfig): void {
  const policies = new Set([
    ...(config.policy ? [config.policy.name ?? 'default'] : []),
    ...Object.keys(config.policies ?? {}),
  ])
  const crossSite = crossSiteFormPost(config)
  const allowed = (request: FastifyRequest) => ({
    host: addressedHost(request),
    publicUrl: config.publicUrl,
    cookieDomain: config.cookie.domain,
  })

  app.get(`${GATEWAY_PREFIX}/signin`, async (request, reply) => {
    const query = request.query as Record<string, unknown>
    const policy = typeof query.policy === 'string' && policies.has(query.policy) ? query.policy : undefined
    return reply
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(page(safeReturnTo(query.rd, allowed(request)), policy))
  })

  app.post(`${GATEWAY_PREFIX}/signin`, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    // Login CSRF: a cross-site form must not sign the victim in as the attacker.
    if (crossSite(request)) {
      return reply
        .code(403)
        .send({ error: 'csrf', reason: 'cross_site', message: 'Cross-site sign-in refused.' })
    }
    const subject = typeof body.subject === 'string' ? body.subject.trim() : ''
    if (!SUBJECT_RE.test(subject)) {
      return reply
        .code(400)
        .send({ error: 'bad_request', reason: 'subject', message: 'Give a name: letters, digits, ._@+-' })
    }
    const policy = typeof body.policy === 'string' && policies.has(body.policy) ? body.policy : undefined
    await reply.signIn({ subject, ...(policy ? { policy } : {}) })
    const wantsJson = request.headers.accept?.includes('application/json') ?? false
    if (wantsJson) return reply.send({ ok: true, subject })
    return reply.redirect(safeReturnTo(body.rd, allowed(request)), 303)
  })
}
