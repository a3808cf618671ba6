import { CurfewError } from '@curfew/core'
import {
  createSessionManager,
  type MetricsOption,
  type SessionManager,
  type SessionManagerOptions,
} from '@curfew/server'
import { fastifyCurfew } from '@curfew/server/fastify'
import {
  createOidcRelyingParty,
  type OidcRelyingParty,
  RedisOidcSessionLinks,
  RedisReplayStore,
} from '@curfew/server/oidc'
import Fastify, { type FastifyInstance } from 'fastify'
import type WebSocket from 'ws'
import { createAccessCheck } from './access/checkAccess'
import { createAuditSinks } from './audit/createAuditSinks'
import { GatewayConfigError } from './config/errors'
import { parseConfig } from './config/parseConfig'
import type { GatewayConfig, GatewayConfigInput } from './config/schema'
import { withFormBodies } from './http/formParser'
import { createGatewayMetrics } from './metrics/createGatewayMetrics'
import { type ProxiedSocket, registerReverseProxy } from './proxy/reverseProxy'
import { forwardAuthRoute } from './routes/forwardAuth'
import { healthRoutes } from './routes/health'
import { devSignInRoutes } from './signin/devSignIn'
import { oidcRoutes } from './signin/oidcRoutes'
import { signOutRoute } from './signin/signOut'
import { createStore } from './store/createStore'

/** Options of {@link createGateway} and `startGateway`. */
export interface GatewayOptions {
  /** The config: as read from `curfew.config.json` (validated here) or already parsed. */
  config: GatewayConfigInput | GatewayConfig
  /** A test clock (epoch ms) for the store and the manager. Leave it out in production. */
  now?: () => number
  /**
   * OpenTelemetry metrics, as `createSessionManager`'s `metrics` option (tests). Default: what the
   * config's `metrics` key says.
   */
  metrics?: MetricsOption
}

/** A gateway built but not listening: the Fastify app, the manager, and how to close everything. */
export interface Gateway {
  readonly app: FastifyInstance
  readonly manager: SessionManager
  readonly config: GatewayConfig
  /** Proxied WebSockets now open, with their sessions. */
  readonly sockets: ReadonlySet<ProxiedSocket>
  /** Starts the Prometheus scrape endpoint when `metrics.prometheus` is configured; resolves its URL. */
  listenMetrics(): Promise<string | undefined>
  /** Stops taking new requests: `/readyz` answers 503 from now on. */
  drain(): void
  /** Closes the app (in-flight requests finish first), proxied sockets (1001), the store and the audit file. */
  close(): Promise<void>
}

function managerOptions(
  config: GatewayConfig,
  extra: Pick<SessionManagerOptions, 'store' | 'audit' | 'now' | 'metrics'>,
): SessionManagerOptions {
  return {
    ...(config.policy ? { policy: config.policy } : {}),
    ...(config.policies ? { policies: config.policies } : {}),
    ...(config.compliance.length > 0 ? { compliance: config.compliance } : {}),
    ...(config.accessToken
      ? {
          tokens: {
            secret: config.accessToken.secret,
            accessTokenTtl: config.accessToken.ttl,
            ...(config.accessToken.issuer ? { issuer: config.accessToken.issuer } : {}),
            ...(config.accessToken.audience ? { audience: config.accessToken.audience } : {}),
          },
        }
      : {}),
    storeTimeout: config.storeTimeout,
    onStoreError: config.onStoreError,
    ...extra,
  }
}

/**
 * Builds the gateway from a config without listening: for tests, or to mount extra routes before
 * `app.listen`. Throws {@link GatewayConfigError} (naming the key) on a bad config or a failed
 * `compliance` rule.
 *
 * @example
 * const gateway = await createGateway({ config: { policy: { idleTimeout: '15m', absoluteTimeout: '12h' } } })
 * await gateway.app.listen({ port: 4180 })
 */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const config = parseConfig(options.config)
  const store = createStore(config.store, options.now ? { now: options.now } : {})
  const audit = createAuditSinks(config.audit)
  const metrics = createGatewayMetrics(options.metrics === undefined ? config.metrics : 'global')
  const metricsOption = options.metrics ?? metrics.option
  // Start even if the store is down (then `/readyz` fails and requests are refused until it returns).
  await store.connected(3000)
  let manager: SessionManager
  try {
    manager = createSessionManager(
      managerOptions(config, {
        store: store.store,
        audit: audit.sinks,
        ...(options.now ? { now: options.now } : {}),
        ...(metricsOption === undefined ? {} : { metrics: metricsOption }),
      }),
    )
  } catch (error) {
    await store.close()
    await audit.close()
    await metrics.close()
    if (error instanceof CurfewError && error.code === 'compliance_failed') {
      const failures = error.message.split('\n').slice(1).join(' ').replace(/\s+/g, ' ').trim()
      throw new GatewayConfigError({ key: 'compliance', message: `rule failed: ${failures}`, cause: error })
    }
    if (error instanceof CurfewError) {
      throw new GatewayConfigError({
        key: 'policy',
        message: error.message.replace(/\s*\n\s*/g, '; '),
        cause: error,
      })
    }
    throw error
  }

  let rp: OidcRelyingParty | undefined
  if (config.oidc) {
    const { oidc } = config
    const shared = store.redis
      ? {
          links: new RedisOidcSessionLinks({
            client: store.redis,
            ...(config.store !== 'memory' && config.store.prefix ? { prefix: config.store.prefix } : {}),
          }),
          replay: new RedisReplayStore({
            client: store.redis,
            ...(config.store !== 'memory' && config.store.prefix ? { prefix: config.store.prefix } : {}),
          }),
        }
      : {}
    rp = createOidcRelyingParty({
      manager,
      issuer: oidc.issuer,
      clientId: oidc.clientId,
      ...(oidc.clientSecret ? { clientSecret: oidc.clientSecret } : {}),
      redirectUri: oidc.redirectUri,
      secret: oidc.secret,
      scope: oidc.scopes.join(' '),
      ...(oidc.postLogoutRedirectUri ? { postLogoutRedirectUri: oidc.postLogoutRedirectUri } : {}),
      allowInsecureRequests: oidc.allowInsecureRequests,
      ...shared,
    })
  }

  const httpOptions = {
    cookie: config.cookie,
    allowedOrigins: config.allowedOrigins,
  }
  const access = createAccessCheck({ manager, http: httpOptions, config })
  const sockets = new Set<ProxiedSocket>()
  let draining = false

  const app = Fastify({
    logger: false,
    // Forward auth sits on every request of every service: refuse hostile sizes before any work.
    routerOptions: { maxParamLength: 256 },
    bodyLimit: 64 * 1024 * 1024,
    requestTimeout: 120_000,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  })
  // Bad input keeps its 4xx (413, 415, 400); anything else is the gateway's fault or the store's, and
  // a typed 503 tells a proxy to retry rather than a 500 page.
  app.setErrorHandler((error: { statusCode?: number; code?: string }, _request, reply) => {
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: 'bad_request', reason: error.code ?? 'bad_request' })
    }
    return reply.code(503).send({ error: 'unavailable', reason: 'gateway_error', serverTime: manager.now() })
  })
  await app.register(fastifyCurfew, { manager, ...httpOptions, basePath: '/session' })
  healthRoutes(app, { ready: store.ready, draining: () => draining })
  forwardAuthRoute(app, access)
  withFormBodies(app, (scope) => {
    if (config.devSignIn) devSignInRoutes(scope, config)
    if (rp) oidcRoutes(scope, { config, rp })
    signOutRoute(scope, config, rp)
  })
  await registerReverseProxy(app, {
    config,
    access,
    hooks: {
      onSocketOpen: (socket) => {
        sockets.add(socket)
        if (!socket.session) return
        // The server is the final cut-off for long-lived connections too: the manager's watch fires at
        // the session's deadline (re-checked with the store) or at once on any revoke, fleet-wide.
        const unwatch = manager.watch(
          socket.session,
          ({ reason }) => {
            socket.socket.close(4401, reason)
          },
          { transport: 'websocket' },
        )
        socket.socket.once('close', unwatch)
      },
      onSocketClose: (socket: WebSocket) => {
        for (const entry of sockets) if (entry.socket === socket) sockets.delete(entry)
      },
    },
  })

  let closed: Promise<void> | undefined
  return {
    app,
    manager,
    config,
    sockets,
    listenMetrics: () => metrics.listen(),
    drain: () => {
      draining = true
    },
    close: () => {
      closed ??= (async () => {
        draining = true
        for (const { socket } of sockets) socket.close(1001, 'gateway shutting down')
        await app.close()
        await manager.close()
        await store.close()
        await audit.close()
        await metrics.close()
      })()
      return closed
    },
  }
}
