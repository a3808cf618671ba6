import { randomBytes } from 'node:crypto'
import { createOidcRelyingParty, MemoryOidcSessionLinks } from '@curfew/server/oidc'
import { type DevIdp, startDevIdp } from '@curfew/testing/devIdp'
import { exportJWK, generateKeyPair } from 'jose'
import type { DemoApp } from './app'

const CLIENT_ID = 'curfew-demo'

/**
 * Starts the dev OpenID Provider (panva's oidc-provider, its own login page: any name, no password) on
 * a loopback port, registers the demo at it with back-channel logout on, and turns on the demo's
 * `/auth/*` routes. `origin` is the demo's own URL (the IdP sends the browser back there and POSTs
 * back-channel logouts to it). Sessions started through it are capped at the IdP session's lifetime.
 *
 * @example
 * const idp = await startDemoIdp({ demo, origin: 'http://127.0.0.1:3000', sessionLifetime: 480_000 })
 */
export async function startDemoIdp(options: {
  demo: DemoApp
  origin: string
  sessionLifetime: number
  port?: number
}): Promise<DevIdp> {
  const { demo, origin } = options
  // The demo's own signing key, so oidc-provider does not fall back to its shared development key.
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const clientSecret = randomBytes(32).toString('base64url')
  const lifetimeSeconds = Math.max(1, Math.floor(options.sessionLifetime / 1000))
  const idp = await startDevIdp({
    ...(options.port === undefined ? {} : { port: options.port }),
    sessionTtl: lifetimeSeconds,
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'demo-idp', alg: 'RS256', use: 'sig' }] },
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: clientSecret,
        redirect_uris: [`${origin}/auth/callback`],
        post_logout_redirect_uris: [`${origin}/`],
        backchannel_logout_uri: `${origin}/auth/backchannel-logout`,
        backchannel_logout_session_required: true,
      },
    ],
  })
  const links = new MemoryOidcSessionLinks()
  const rp = createOidcRelyingParty({
    manager: demo.manager,
    issuer: idp.issuer,
    clientId: CLIENT_ID,
    clientSecret,
    redirectUri: `${origin}/auth/callback`,
    postLogoutRedirectUri: `${origin}/`,
    secret: randomBytes(32),
    links,
    idpSessionLifetime: `${lifetimeSeconds}s`,
    // A loopback http: IdP, for this demo only.
    allowInsecureRequests: true,
  })
  const endSession = new URL(
    String((await rp.metadata()).end_session_endpoint ?? `${idp.issuer}/session/end`),
  )
  endSession.searchParams.set('client_id', CLIENT_ID)
  endSession.searchParams.set('post_logout_redirect_uri', `${origin}/`)
  demo.attachIdp({ rp, links, issuer: idp.issuer, signOutEverywhere: endSession.href })
  return idp
}
