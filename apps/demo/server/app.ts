import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { definePolicy, policyFingerprint, presets } from '@curfew/core'
import { createSessionManager, type SessionManager, type SessionStore } from '@curfew/server'
import { sessionMiddleware, sessionRoutes, signIn, signOut } from '@curfew/server/express'
import express, { type Express } from 'express'
import { AuditFeed } from './auditFeed'
import type { DemoConfig } from './config'
import { createLiveFeed } from './live'

export interface DemoApp {
  app: Express
  manager: SessionManager
  feed: AuditFeed
  /** `server.on('upgrade', demo.upgrade)`: the live feed WebSocket at `/api/live`. */
  upgrade: ReturnType<typeof createLiveFeed>['upgrade']
  close: () => Promise<void>
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
    audit: feed.push,
    ...(options.now ? { now: options.now } : {}),
  })
  const live = createLiveFeed(manager)
  // Subjects seen by this process, for the admin list (the store indexes sessions by subject).
  const subjects = new Set<string>()

  const app = express()
  app.disable('x-powered-by')
  app.use(express.json({ limit: '4kb' }))

  app.use('/session', sessionRoutes(manager))

  app.get('/api/config', (_req, res) => {
    res.json({
      store: options.storeLabel ?? 'memory',
      instance: options.instance ?? `pid ${process.pid}`,
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
    subjects.add(username)
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
        idleExpiresAt: Math.min(s.lastActivityAt + policy.idleTimeout, s.authTime + policy.absoluteTimeout),
        absoluteExpiresAt: s.authTime + policy.absoluteTimeout,
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
    close: async () => {
      live.close()
      feed.close()
      await manager.close()
    },
  }
}
