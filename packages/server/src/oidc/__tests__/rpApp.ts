import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { SessionManager } from '../../types'
import type { OidcRelyingParty } from '../relyingParty'
import { readCookieValue } from '../transaction'
import type { OidcReply } from '../types'

/**
 * A bare node:http app around one relying party, for tests that drive the OIDC flows end to end (the
 * adapters' own routes are tested in their suites). The session cookie is `app`.
 */
export interface RpApp {
  url: string
  port: number
  /** Starts answering with this manager and relying party (the port exists before the IdP does). */
  serve(input: { manager: SessionManager; rp: OidcRelyingParty; adminMaxAge?: string }): void
  /** While true, back-channel logouts are answered 400 without being processed (as if lost). */
  dropBackchannel: boolean
  close(): Promise<void>
}

function write(res: ServerResponse, reply: OidcReply): void {
  res.statusCode = reply.status
  const cookies: string[] = []
  for (const [name, value] of reply.headers) {
    if (name.toLowerCase() === 'set-cookie') cookies.push(value)
    else res.setHeader(name, value)
  }
  if (cookies.length > 0) res.setHeader('Set-Cookie', cookies)
  res.end(reply.body === undefined ? undefined : JSON.stringify(reply.body))
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export async function startRpApp(options: { host?: string } = {}): Promise<RpApp> {
  let manager: SessionManager
  let rp: OidcRelyingParty
  let admin: ReturnType<OidcRelyingParty['requireRecentAuth']>
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.statusCode = 500
      res.end(String(error))
    })
  })
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`)
    const token = readCookieValue(req.headers.cookie, 'app')
    if (url.pathname === '/stepup-silent') {
      // A step-up without prompt=login: the IdP may answer from its session with the old auth_time.
      return write(res, await rp.signIn({ returnTo: '/admin', maxAge: '60s', stepUp: true }))
    }
    if (url.pathname === '/login')
      return write(res, await rp.signIn({ returnTo: url.searchParams.get('returnTo') ?? '/me' }))
    if (url.pathname === '/callback') {
      const result = await rp.callback({ url, cookie: req.headers.cookie, currentToken: token })
      if (!result.ok) return write(res, result.reply)
      return write(res, {
        status: 302,
        headers: [
          ['Location', result.returnTo],
          ['Set-Cookie', `app=${result.token}; Path=/; HttpOnly; SameSite=Lax`],
          ...result.headers,
        ],
      })
    }
    if (url.pathname === '/backchannel' && req.method === 'POST' && app.dropBackchannel) {
      return write(res, { status: 400, headers: [], body: { error: 'dropped' } })
    }
    if (url.pathname === '/backchannel' && req.method === 'POST') {
      return write(res, await rp.backchannelLogout({ body: await body(req) }))
    }
    if (url.pathname === '/logout') {
      const { location } = await rp.signOut({ token, state: 'bye' })
      return write(res, {
        status: 302,
        headers: [
          ['Location', location ?? '/'],
          ['Set-Cookie', 'app=; Path=/; Max-Age=0'],
        ],
      })
    }
    if (url.pathname === '/me' || url.pathname === '/admin') {
      const checked = await manager.validate(token)
      if (!checked.ok) return write(res, { status: checked.httpStatus, headers: [], body: checked.body })
      const idp = await rp.checkIdpSession(checked.session)
      if (!idp.alive) {
        return write(res, {
          status: 401,
          headers: [],
          body: { error: 'session_expired', reason: idp.reason },
        })
      }
      if (url.pathname === '/admin') {
        const browser = (req.headers.accept ?? '').includes('text/html')
        const stepUp = await admin({
          session: checked.session,
          now: checked.status.serverTime,
          url: '/admin',
          browser,
        })
        if (stepUp !== null) return write(res, stepUp)
      }
      return write(res, {
        status: 200,
        headers: [['Content-Type', 'application/json']],
        body: {
          subject: checked.session.subject,
          handle: checked.session.handle,
          authTime: checked.session.authTime,
          absoluteExpiresAt: checked.status.absoluteExpiresAt,
          page: url.pathname,
        },
      })
    }
    res.statusCode = url.pathname === '/' ? 200 : 404
    res.end(url.pathname === '/' ? 'home' : 'not found')
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const app: RpApp = {
    dropBackchannel: false,
    url: `http://${options.host ?? 'localhost'}:${port}`,
    port,
    serve(input) {
      manager = input.manager
      rp = input.rp
      admin = rp.requireRecentAuth(input.adminMaxAge ?? '1m')
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
  return app
}
