// OIDC back-channel logout: N Curfew sessions of one IdP session (sid), started through a real
// oidc-provider; the IdP's logout token is POSTed to server A; measured: time from the POST until
// server B (another manager on the same Redis) refuses every one of the N sessions. Anchor: B's N
// validations of the same live sessions just before (the cost of noticing, without the logout).
import { createServer } from 'node:http'
import { createSessionManager, RedisStore } from '@curfew/server'
import { createOidcRelyingParty, RedisOidcSessionLinks, RedisReplayStore } from '@curfew/server/oidc'
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose'
import Provider from 'oidc-provider'
import { deletePrefix, uniquePrefix } from '../lib/redis.js'
import { fmt, median } from '../lib/stats.js'

const CLIENT_ID = 'bench-app'
const CLIENT_SECRET = 'bench-app-secret-bench-app-secret'
const SECRET = 'bench-oidc-secret-of-at-least-32-bytes!!'
const EVENT = 'http://schemas.openid.net/event/backchannel-logout'

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)))
}

/** A real OP whose interaction signs everyone in as "bench" at once (no form: nothing to type). */
async function startIdp(redirectUri, privateJwk) {
  const server = createServer()
  const issuer = `http://127.0.0.1:${await listen(server)}`
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        // The OP puts `sid` in ID tokens only for clients registered for session-bound logout.
        backchannel_logout_uri: redirectUri.replace('/callback', '/backchannel'),
        backchannel_logout_session_required: true,
      },
    ],
    jwks: { keys: [privateJwk] },
    features: { devInteractions: { enabled: false }, backchannelLogout: { enabled: true } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: {
      Session: 3600,
      Grant: 3600,
      Interaction: 600,
      AuthorizationCode: 60,
      AccessToken: 300,
      IdToken: 300,
    },
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId)
      if (grantId) return ctx.oidc.provider.Grant.find(grantId)
      const grant = new ctx.oidc.provider.Grant({
        clientId: CLIENT_ID,
        accountId: ctx.oidc.session.accountId,
      })
      grant.addOIDCScope('openid')
      await grant.save()
      return grant
    },
  })
  const callback = provider.callback()
  server.on('request', (req, res) => {
    if (req.url.startsWith('/interaction/')) {
      provider
        .interactionFinished(req, res, { login: { accountId: 'bench' } }, { mergeWithLastSubmission: false })
        .catch((error) => res.writeHead(400).end(String(error)))
      return
    }
    callback(req, res)
  })
  return { issuer, close: () => new Promise((resolve) => server.close(resolve)) }
}

/** Follows the IdP's redirects with a cookie jar until it sends the browser back to the app. */
async function authorize(location, jar, appOrigin) {
  let url = location
  for (let hop = 0; hop < 10; hop++) {
    if (url.startsWith(appOrigin)) return url
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].join('; ') } })
    for (const cookie of response.headers.getSetCookie()) jar.add(cookie.split(';')[0])
    await response.arrayBuffer()
    url = new URL(response.headers.get('location'), url).href
  }
  throw new Error('bench: the IdP did not send the browser back')
}

export async function runOidc({ quick, client }) {
  const n = quick ? 20 : 100
  const prefix = uniquePrefix('oidc')
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const privateJwk = { ...(await exportJWK(privateKey)), kid: 'bench-1', alg: 'RS256', use: 'sig' }
  const appA = createServer()
  const portA = await listen(appA)
  const appOrigin = `http://127.0.0.1:${portA}`
  const idp = await startIdp(`${appOrigin}/callback`, privateJwk)
  const make = () => {
    const manager = createSessionManager({
      policy: { idleTimeout: '30m', absoluteTimeout: '12h' },
      store: new RedisStore({ client, prefix }),
    })
    const rp = createOidcRelyingParty({
      manager,
      issuer: idp.issuer,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      redirectUri: `${appOrigin}/callback`,
      secret: SECRET,
      links: new RedisOidcSessionLinks({ client, prefix }),
      replay: new RedisReplayStore({ client, prefix }),
      allowInsecureRequests: true,
    })
    return { manager, rp }
  }
  const a = make()
  const b = make()
  appA.on('request', async (req, res) => {
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const reply = await a.rp.backchannelLogout({ body: Buffer.concat(chunks).toString('utf8') })
    res
      .writeHead(reply.status, Object.fromEntries(reply.headers))
      .end(reply.body ? JSON.stringify(reply.body) : undefined)
  })
  try {
    // N sign-ins in one IdP session: the first logs in, the others are silent SSO.
    const jar = new Set()
    const tokens = []
    let sid
    for (let i = 0; i < n; i++) {
      const start = await a.rp.signIn()
      const location = start.headers.find(([name]) => name === 'Location')[1]
      const transaction = start.headers.find(([name]) => name === 'Set-Cookie')[1].split(';')[0]
      const callbackUrl = await authorize(location, jar, appOrigin)
      const result = await a.rp.callback({ url: callbackUrl, cookie: transaction })
      if (!result.ok) throw new Error(`bench: sign-in refused: ${result.reason}`)
      tokens.push(result.token)
      sid ??= (await new RedisOidcSessionLinks({ client, prefix }).get(result.session.handle)).sid
    }
    const validateAll = async () => {
      const results = await Promise.all(tokens.map((token) => b.manager.validate(token, { activity: false })))
      return results.filter((r) => !r.ok).length
    }
    const anchors = []
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now()
      if ((await validateAll()) !== 0) throw new Error('bench: a session ended early')
      anchors.push(performance.now() - t0)
    }
    const now = Math.floor(Date.now() / 1000)
    const signLogout = async (claims) =>
      new SignJWT({
        iss: idp.issuer,
        aud: CLIENT_ID,
        iat: now,
        exp: now + 120,
        jti: crypto.randomUUID(),
        events: { [EVENT]: {} },
        ...claims,
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'bench-1', typ: 'logout+jwt' })
        .sign(await importJWK(privateJwk, 'RS256'))
    // Warm-up: a logout of another IdP session, so the measured POST does not include A's first JWKS fetch.
    await a.rp.backchannelLogout({
      body: new URLSearchParams({ logout_token: await signLogout({ sid: 'warm-up' }) }),
    })
    const logoutToken = await new SignJWT({
      iss: idp.issuer,
      aud: CLIENT_ID,
      iat: now,
      exp: now + 120,
      jti: crypto.randomUUID(),
      sid,
      events: { [EVENT]: {} },
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'bench-1', typ: 'logout+jwt' })
      .sign(await importJWK(privateJwk, 'RS256'))
    const t0 = performance.now()
    const response = await fetch(`${appOrigin}/backchannel`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ logout_token: logoutToken }),
    })
    const posted = performance.now() - t0
    const refused = await validateAll()
    const total = performance.now() - t0
    if (response.status !== 200 || refused !== n) {
      throw new Error(`bench: back-channel logout answered ${response.status}, ${refused}/${n} refused`)
    }
    const anchor = median(anchors)
    return {
      rows: [
        {
          section: 'OIDC',
          name: `B validates ${n} live sessions of one sid (anchor)`,
          value: `${fmt.ms(anchor)}`,
          ratio: '1.00× anchor',
        },
        {
          section: 'OIDC',
          name: `back-channel POST to A (${n} sessions of the sid ended)`,
          value: `${fmt.ms(posted)}`,
          ratio: fmt.x(posted / anchor),
        },
        {
          section: 'OIDC',
          name: `POST to A → all ${n} refused on B`,
          value: `${fmt.ms(total)}`,
          ratio: fmt.x(total / anchor),
          target: `${n}/${n} refused`,
          met: refused === n,
        },
      ],
    }
  } finally {
    await Promise.all([a.manager.close(), b.manager.close(), idp.close()])
    appA.closeAllConnections()
    appA.close()
    await deletePrefix(client, prefix)
  }
}
