import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { definePolicy, policyFingerprint, presets } from '@curfew/core'
import { createSessionManager, type SessionManager, type SessionStore } from '@curfew/server'
import { oidcRoutes, sessionMiddleware, sessionRoutes, signIn, signOut } from '@curfew/server/express'
import type { OidcRelyingParty, OidcSessionLinks } from '@curfew/server/oidc'
import express, { type Express, type Router } from 'express'
import { AuditFeed } from './auditFeed'
import type { DemoConfig } from './config'
import { createLiveFeed } from './live'

export interface DemoApp {
  app: Express
  manager: SessionManager
  feed: AuditFeed
  /** `server.on('upgrade', demo.upgrade)`: the live feed WebSocket at `/api/live`. */
  upgrade: ReturnType<typeof createLiveFeed>['upgrade']
  /**
   * Turns on sign-in through an OpenID Provider (`/auth/*`), once the demo's own URL is known (the IdP
   * must know the callback URL, the demo the IdP's issuer).
   */
  attachIdp(idp: DemoIdp): void
  close: () => Promise<void>
}

/** What the demo needs of its identity provider (see `startDemoIdp`). */
export interface DemoIdp {
  rp: OidcRelyingParty
  links: OidcSessionLinks
  issuer: string
  /** The IdP's end-session URL: ends the IdP session, whose back-channel logout ends ours. */
  signOutEverywhere: string
}

export interface DemoAppOptions {
  config: DemoConfig
  /** Session store; the in-memory default when absent. */
  store?: SessionStore
  /** Shown on the page so two processes sharing Redis can be told apart. */
  instance?: string
  storeLabel?: 'memory' | 'redis'
  /** The server clock, for tests that drive time (epoch ms). */
  now?: () => number
}

const TIERS = [
  { name: 'pci-dss-4', label: 'PCI DSS 4.0', policy: presets.pciDss4 },
  { name: 'nist-aal2', label: 'NIST AAL2', policy: presets.nistAal2 },
  { name: 'nist-aal3', label: 'NIST AAL3', policy: presets.nistAal3 },
] as const

/** Builds the demo backend: session routes, protected API, demo-only audit stream and admin. */
export function createDemoApp(options: DemoAppOptions): DemoApp {
  const { config } = options
  const feed = new AuditFeed()
  // Subjects seen by this process, for the admin list (the store indexes sessions by subject).
  const subjects = new Set<string>()
  const demoPolicy = definePolicy({
    name: 'default',
    idleTimeout: config.idleTimeout,
    absoluteTimeout: config.absoluteTimeout,
    warnBefore: config.warnBefore,
  })
  const manager = createSessionManager({
    policies: {
      default: demoPolicy,
      ...Object.fromEntries(TIERS.map((t) => [t.name, t.policy])),
    },
    ...(options.store ? { store: options.store } : {}),
    audit: (event) => {
      // Every session, however it started (name-only or through the IdP), shows in the admin list.
      if (event.type === 'session.created' && event.subject) subjects.add(event.subject)
      feed.push(event)
    },
    ...(options.now ? { now: options.now } : {}),
  })
  const live = createLiveFeed(manager)
  let idp: { settings: DemoIdp; routes: Router } | undefined

  const app = express()
  app.disable('x-powered-by')
  app.use(express.json({ limit: '4kb' }))

  app.use('/session', sessionRoutes(manager))
  // Sign-in through the dev IdP: GET /auth/login, /auth/callback, POST /auth/backchannel-logout, /auth/logout.
  app.use('/auth', (req, res, next) => {
    if (idp) idp.routes(req, res, next)
    else next()
  })
  // Whether this session came from the IdP (so the page offers "Sign out everywhere at the IdP").
  app.get('/api/idp/session', sessionMiddleware(manager, { passive: true }), async (req, res) => {
    const link = idp && req.session ? await idp.settings.links.get(req.session.handle) : undefined
    res.json({
      linked: link !== undefined,
      ...(link ? { signOutEverywhere: idp?.settings.signOutEverywhere } : {}),
    })
  })

  app.get('/api/config', (_req, res) => {
    res.json({
      store: options.storeLabel ?? 'memory',
      instance: options.instance ?? `pid ${process.pid}`,
      idp: idp ? { issuer: idp.settings.issuer } : null,
      policies: [
        { name: 'default', label: 'Demo (from env)', policy: demoPolicy },
        ...TIERS.map((t) => ({ name: t.name, label: t.label, policy: t.policy })),
      ].map(({ name, label, policy }) => ({
        name,
        label,
        idleTimeout: policy.idleTimeout,
        absoluteTimeout: policy.absoluteTimeout,
        warnBefore: policy.warnBefore,
        fingerprint: policyFingerprint(policy),
        ...(policy.source ? { source: policy.source } : {}),
      })),
    })
  })

  app.post('/api/login', async (req, res) => {
    const username = typeof req.body?.username === 'string' ? req.body.username.trim() : ''
    const policy = typeof req.body?.policy === 'string' ? req.body.policy : 'default'
    if (!/^[\w .@-]{1,40}$/.test(username)) {
      res
        .status(400)
        .json({ error: 'invalid_username', message: 'Use 1-40 letters, digits, spaces or . @ - _' })
      return
    }
    if (!manager.policies.has(policy)) {
      res.status(400).json({ error: 'unknown_policy', message: `Unknown policy "${policy}"` })
      return
    }
    try {
      res.json(await signIn(res, manager, { subject: username, policy }))
    } catch (error) {
      // The store is down or too slow: say so, never a bare 500.
      res.status(503).json({ error: 'store_unavailable', message: (error as Error).message })
    }
  })

  app.post('/api/logout', async (req, res) => {
    const result = await signOut(req, res, manager)
    if (!result.ok) {
      res.status(result.httpStatus).json(result.body)
      return
    }
    res.json({ ok: true })
  })

  // Demo-only: the audit trail and an admin view. A real app protects these with its own authorisation.
  app.get('/api/audit/stream', (_req, res) => feed.stream(res))
  app.get('/api/audit', (_req, res) => {
    res.json({ events: feed.recent() })
  })
  app.get('/api/admin/sessions', sessionMiddleware(manager, { passive: true }), async (_req, res) => {
    const serverTime = manager.now()
    const lists = await Promise.all([...subjects].map((s) => manager.list(s)))
    const sessions = lists.flat().map((s) => {
      const policy = manager.policies.get(s.policy) ?? manager.defaultPolicy
      return {
        handle: s.handle,
        subject: s.subject,
        policy: s.policy,
        // A session started through the IdP is also capped by the IdP session's lifetime (notAfter).
        idleExpiresAt: Math.min(s.lastActivityAt + policy.idleTimeout, absoluteOf(s, policy)),
        absoluteExpiresAt: absoluteOf(s, policy),
        serverTime,
      }
    })
    res.json({ sessions })
  })
  app.post('/api/admin/revoke', sessionMiddleware(manager, { passive: true }), async (req, res) => {
    const handle = typeof req.body?.handle === 'string' ? req.body.handle : ''
    const ended = handle ? await manager.revoke(handle, 'revoked') : false
    res.status(ended ? 200 : 404).json({ ok: ended })
  })

  app.get('/api/me', sessionMiddleware(manager), (req, res) => {
    res.json({ subject: req.session?.subject, handle: req.session?.handle, policy: req.session?.policy })
  })

  let n = 0
  app.get('/api/feed', sessionMiddleware(manager, { passive: true }), (_req, res) => {
    n += 1
    const items = Array.from({ length: 5 }, (_, i) => `update #${n * 5 - i}`)
    res.json({ items })
  })

  if (existsSync(config.staticDir)) {
    app.use(express.static(config.staticDir, { index: 'index.html' }))
    app.get('/{*path}', (_req, res) => res.sendFile(join(config.staticDir, 'index.html')))
  }

  return {
    app,
    manager,
    feed,
    upgrade: live.upgrade,
    attachIdp(settings) {
      idp = { settings, routes: oidcRoutes(settings.rp) }
    },
    close: async () => {
      live.close()
      feed.close()
      await manager.close()
    },
  }
}

function absoluteOf(
  session: { authTime: number; notAfter?: number },
  policy: { absoluteTimeout: number },
): number {
  return Math.min(session.authTime + policy.absoluteTimeout, session.notAfter ?? Number.POSITIVE_INFINITY)
}
