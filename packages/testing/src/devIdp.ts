import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
// @ts-expect-error oidc-provider ships no type declarations
import Provider from 'oidc-provider'

/** One relying party registered at the dev IdP (OIDC client metadata, snake_case as the spec names it). */
export interface DevIdpClient {
  client_id: string
  client_secret?: string
  redirect_uris: string[]
  post_logout_redirect_uris?: string[]
  backchannel_logout_uri?: string
  backchannel_logout_session_required?: boolean
  require_auth_time?: boolean
}

/** Options of {@link startDevIdp}. */
export interface DevIdpOptions {
  clients: DevIdpClient[]
  /** Port on 127.0.0.1; default 0 (any free port). */
  port?: number
  /** Lifetime of the IdP's own session, seconds. Default 1 hour. */
  sessionTtl?: number
  /** The OP's clock tolerance for `max_age`, seconds (oidc-provider's default is 15). */
  clockTolerance?: number
  /** Private signing keys (JWKS); default: oidc-provider's generated development key. */
  jwks?: { keys: object[] }
}

/** A running dev IdP. */
export interface DevIdp {
  /** Issuer identifier (`http://127.0.0.1:<port>`). */
  issuer: string
  /** Back-channel logout requests the IdP sent, with the status the RP answered. */
  backchannelDeliveries: Array<{ url: string; status: number }>
  /** Resolves once `count` back-channel logout requests have been answered. */
  deliveries(count: number): Promise<void>
  /** Ends every IdP session without telling anyone, as a session that times out at the IdP does. */
  expireSessions(): Promise<void>
  close(): Promise<void>
}

const STYLE =
  'body{font:16px system-ui;max-width:22rem;margin:4rem auto}input,button{font:inherit;padding:.4rem;margin:.3rem 0;width:100%}'

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><style>${STYLE}</style></head><body>${body}</body></html>`
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > 16 * 1024) break
    chunks.push(chunk as Buffer)
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
])

type Records = Map<string, { payload: Record<string, unknown>; expiresAt: number }>

/** oidc-provider's storage contract over one Map per IdP, so a test can end that IdP's sessions alone. */
function memoryAdapter(records: Records) {
  return class DevAdapter {
    constructor(readonly model: string) {}
    #key(id: string) {
      return `${this.model}:${id}`
    }
    #live(key: string) {
      const record = records.get(key)
      if (record === undefined) return undefined
      if (record.expiresAt <= Date.now()) {
        records.delete(key)
        return undefined
      }
      return record.payload
    }
    async upsert(id: string, payload: Record<string, unknown>, expiresIn: number) {
      records.set(this.#key(id), { payload, expiresAt: Date.now() + expiresIn * 1000 })
    }
    async find(id: string) {
      return this.#live(this.#key(id))
    }
    async findByUid(uid: string) {
      for (const [key, record] of records) {
        if (key.startsWith(`${this.model}:`) && record.payload.uid === uid) return this.#live(key)
      }
      return undefined
    }
    async findByUserCode() {
      return undefined
    }
    async consume(id: string) {
      const payload = this.#live(this.#key(id))
      if (payload) payload.consumed = Math.floor(Date.now() / 1000)
    }
    async destroy(id: string) {
      records.delete(this.#key(id))
    }
    async revokeByGrantId(grantId: string) {
      // Only tokens and codes belong to a grant; an interaction naming it must survive an account switch.
      for (const [key, record] of records) {
        if (GRANTABLE.has(key.slice(0, key.indexOf(':'))) && record.payload.grantId === grantId)
          records.delete(key)
      }
    }
  }
}

/**
 * A real OpenID Provider (panva's oidc-provider) for tests and the demo, on a loopback port: its own
 * login page takes any name and no password, consent is implied, back-channel and RP-initiated logout
 * are on, and refresh tokens (without `offline_access`) end with the IdP session — so a refresh-token
 * grant tells whether the IdP session still lives. Never for production.
 *
 * @example
 * const idp = await startDevIdp({ clients: [{ client_id: 'app', client_secret: 's', redirect_uris: [cb] }] })
 */
export async function startDevIdp(options: DevIdpOptions): Promise<DevIdp> {
  const server: Server = createServer()
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const backchannelDeliveries: DevIdp['backchannelDeliveries'] = []
  const waiters: Array<{ count: number; resolve: () => void }> = []
  const delivered = () => {
    for (const waiter of [...waiters]) {
      if (backchannelDeliveries.length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve()
      }
    }
  }
  const sessionTtl = options.sessionTtl ?? 3600

  const records = new Map<string, { payload: Record<string, unknown>; expiresAt: number }>()
  const provider = new Provider(issuer, {
    adapter: memoryAdapter(records),
    clients: options.clients.map((client) => ({
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: client.client_secret ? 'client_secret_basic' : 'none',
      ...client,
    })),
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    ...(options.jwks === undefined ? {} : { jwks: options.jwks }),
    clockTolerance: options.clockTolerance ?? 15,
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // Skip the "do you want to sign out?" page: the demo and tests sign out in one step.
        logoutSource: async (ctx: { body: string }, form: string) => {
          ctx.body = page(
            'Signing out',
            `${form}<script>document.forms[0].insertAdjacentHTML('beforeend','<input type="hidden" name="logout" value="yes">');document.forms[0].submit()</script>`,
          )
        },
      },
    },
    claims: { openid: ['sub'], profile: ['name'] },
    renderError: async (ctx: { type: string; body: string }, out: Record<string, string>) => {
      ctx.type = 'html'
      ctx.body = page('Dev IdP error', `<h1>Dev IdP error</h1><pre>${escapeHtml(JSON.stringify(out))}</pre>`)
    },
    findAccount: (_ctx: unknown, id: string) => ({ accountId: id, claims: () => ({ sub: id, name: id }) }),
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    // Consent is implied: every client gets the scopes it asks for.
    // biome-ignore lint/suspicious/noExplicitAny: oidc-provider ships no types; this is its documented hook shape
    loadExistingGrant: async (ctx: any) => {
      const grantId =
        ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId)
      const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined
      // Signing in as someone else in the same browser: the previous user's grant is not theirs.
      if (existing && existing.accountId === ctx.oidc.session.accountId) return existing
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      })
      grant.addOIDCScope('openid profile offline_access')
      await grant.save()
      return grant
    },
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    pkce: { required: () => true },
    ttl: {
      Session: sessionTtl,
      Grant: sessionTtl,
      Interaction: 600,
      AuthorizationCode: 60,
      AccessToken: 300,
      IdToken: 300,
      RefreshToken: sessionTtl,
    },
    // oidc-provider refuses to POST to loopback (SSRF protection): this IdP only ever talks to local apps.
    fetch: async (url: string | URL, init: RequestInit & { dispatcher?: unknown }) => {
      const { dispatcher: _ssrfGuard, ...rest } = init
      const response = await fetch(url, rest)
      backchannelDeliveries.push({ url: String(url), status: response.status })
      delivered()
      return response
    },
  })
  provider.proxy = false
  const callback = provider.callback()

  async function interaction(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res)
    if (req.method === 'POST') {
      const login = (await readForm(req)).get('login')?.trim().slice(0, 64)
      if (!login) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('A name is needed.')
        return
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: login } },
        { mergeWithLastSubmission: false },
      )
      return
    }
    const hint = escapeHtml(String(details.params.login_hint ?? ''))
    res
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
      .end(
        page(
          'Dev IdP sign-in',
          `<h1>Dev IdP</h1><p>Any name, no password.</p><form method="post" action="/interaction/${details.uid}"><label>Name <input name="login" autofocus required value="${hint}"></label><button type="submit">Sign in at the IdP</button></form>`,
        ),
      )
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.url?.startsWith('/interaction/')) {
      interaction(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain' })
        res.end(`interaction failed: ${(error as Error).message}`)
      })
      return
    }
    callback(req, res)
  })

  return {
    issuer,
    backchannelDeliveries,
    deliveries: (count) =>
      new Promise<void>((resolve) => {
        waiters.push({ count, resolve })
        delivered()
      }),
    async expireSessions() {
      // Dropping the stored sessions is exactly what their TTL does: no logout, no notice to anyone.
      for (const key of records.keys()) if (key.startsWith('Session:')) records.delete(key)
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
