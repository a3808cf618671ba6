import { CurfewError, definePolicy } from '@curfew/core'
import { z } from 'zod'

const duration = z.union([z.number().positive(), z.string().min(1)], {
  error: 'expected a duration: milliseconds or a string such as "15m"',
})

const policyInput = z.strictObject({
  name: z.string().optional(),
  idleTimeout: duration,
  absoluteTimeout: duration,
  warnBefore: duration.optional(),
  touchInterval: z.union([z.number().nonnegative(), z.string().min(1)]).optional(),
  renewEvery: z.union([z.number().nonnegative(), z.string().min(1)]).optional(),
  renewGrace: duration.optional(),
  source: z.string().optional(),
})

/** A path pattern: `*` matches within one segment, `**` across segments; a leading host is allowed. */
const pathPattern = z
  .string()
  .min(1)
  .max(512)
  .regex(/^(?:[A-Za-z0-9.*-]+)?\/[^\s]*$/, 'expected a path pattern such as "/api/poll" or "/static/**"')

const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
const redisUrl = z.url({ protocol: /^rediss?$/, error: 'expected a redis:// or rediss:// URL' })

const redisStore = z.strictObject({
  redis: z.union([redisUrl, z.strictObject({ cluster: z.array(redisUrl).min(1) })], {
    error: 'expected a redis:// URL or { "cluster": ["redis://…", …] }',
  }),
  /** Key prefix of the RedisStore (default the store's own). */
  prefix: z.string().min(1).max(64).optional(),
})

const upstream = z.strictObject({
  /** Requests whose path starts with this prefix go to `url` (longest prefix wins). Default `/`. */
  prefix: z.string().startsWith('/', 'expected a path prefix starting with "/"').default('/'),
  url: httpUrl,
  /** Proxy WebSocket upgrades too. Default `true`. */
  websocket: z.boolean().default(true),
  /** Requests under this upstream need no session (public assets). Default `false`. */
  public: z.boolean().default(false),
})

/**
 * The whole `curfew.config.json`. Unknown keys are refused (a typo must not silently weaken a policy).
 */
export const gatewayConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    listen: z
      .strictObject({
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(4180),
      })
      .default({ host: '127.0.0.1', port: 4180 }),
    /** Where browsers reach the gateway's own routes (sign-in, session protocol), e.g. `https://app.example.com`. */
    publicUrl: httpUrl.optional(),
    policy: policyInput.optional(),
    policies: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), policyInput).optional(),
    /** Which paths use which tier: a request matching `paths` needs a session of tier `policy`. */
    tiers: z
      .array(z.strictObject({ policy: z.string().min(1), paths: z.array(pathPattern).min(1) }))
      .default([]),
    /** Requests that never extend a session (polling, status, assets). The `Curfew-Passive: 1` header also works. */
    passive: z.array(pathPattern).default([]),
    /** Paths that need no session at all. */
    public: z.array(pathPattern).default([]),
    compliance: z.array(z.string().min(1)).default([]),
    store: z
      .union([z.literal('memory'), redisStore], { error: 'expected "memory" or { "redis": "redis://…" }' })
      .default('memory'),
    cookie: z
      .strictObject({
        name: z
          .string()
          .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, 'expected a cookie name')
          .optional(),
        domain: z
          .string()
          .regex(/^\.?[A-Za-z0-9.-]{1,253}$/, 'expected a host name such as "example.com"')
          .optional(),
        secure: z.union([z.boolean(), z.literal('auto')]).optional(),
        sameSite: z.enum(['lax', 'strict', 'none']).optional(),
      })
      .default({}),
    /** Origins besides the gateway's own allowed to POST to the session routes. */
    allowedOrigins: z.array(z.url()).default([]),
    /** A short access JWT for upstreams, minted per request by forward auth and the proxy. */
    accessToken: z
      .strictObject({
        secret: z.string().min(32, 'expected a secret of at least 32 characters'),
        ttl: duration.default('1m'),
        issuer: z.string().optional(),
        audience: z.union([z.string(), z.array(z.string())]).optional(),
        header: z
          .string()
          .regex(/^[A-Za-z0-9-]{1,64}$/)
          .default('X-Curfew-Token'),
      })
      .optional(),
    oidc: z
      .strictObject({
        issuer: httpUrl,
        clientId: z.string().min(1),
        clientSecret: z.string().min(1).optional(),
        redirectUri: httpUrl,
        scopes: z.array(z.string().min(1)).default(['openid', 'profile', 'email']),
        backchannelLogout: z.boolean().default(true),
        postLogoutRedirectUri: httpUrl.optional(),
        /** Seals the sign-in transaction cookie and the IdP tokens kept per session. At least 32 bytes. */
        secret: z.string().min(32, 'expected a secret of at least 32 characters'),
        /** Allow an `http:` issuer (a loopback development IdP only). */
        allowInsecureRequests: z.boolean().default(false),
      })
      .optional(),
    /**
     * DEVELOPMENT ONLY: `/curfew/signin` shows a form that signs in any name without a password. Off by
     * default; refused together with `oidc`.
     */
    devSignIn: z.boolean().default(false),
    audit: z
      .union([z.literal('stdout'), z.literal(false), z.strictObject({ file: z.string().min(1) })], {
        error: 'expected "stdout", false or { "file": "/path/audit.jsonl" }',
      })
      .default('stdout'),
    upstream: z.union([httpUrl, z.array(upstream).min(1)]).optional(),
    /**
     * What a request gets while the store is down or too slow: `"unavailable"` (default) answers 503 with
     * `Retry-After` and keeps the cookie; `"deny"` answers 401 like a missing session (a proxy then sends
     * browsers to a sign-in that cannot complete until the store is back). Both fail closed. The
     * `onStoreError` option of `createSessionManager`.
     */
    onStoreError: z
      .enum(['unavailable', 'deny'], { error: 'expected "unavailable" or "deny"' })
      .default('unavailable'),
    /** Longest a forward-auth or proxied request may wait for the store (ms). Default 1000. */
    storeTimeout: z.number().int().positive().max(60_000).default(1000),
    /**
     * OpenTelemetry metrics (`curfew.sessions.*`, `curfew.store.errors`, `curfew.check.duration`):
     * `"global"` (default) records through the global meter provider (an SDK registered with
     * `node --import`), `false` records nothing, `{ "prometheus": { "port": 9464 } }` serves them for
     * Prometheus at `http://127.0.0.1:9464/metrics` through `@opentelemetry/exporter-prometheus`.
     */
    metrics: z
      .union(
        [
          z.literal('global'),
          z.literal(false),
          z.strictObject({
            prometheus: z
              .strictObject({
                host: z.string().min(1).default('127.0.0.1'),
                port: z.number().int().min(0).max(65535).default(9464),
                path: z
                  .string()
                  .regex(/^\/[^\s?#]*$/, 'expected a path such as "/metrics"')
                  .default('/metrics'),
              })
              .default({ host: '127.0.0.1', port: 9464, path: '/metrics' }),
          }),
        ],
        { error: 'expected "global", false or { "prometheus": { "port": 9464 } }' },
      )
      .default('global'),
    /** How long SIGTERM waits for in-flight requests before closing sockets (ms). Default 10000. */
    shutdownTimeout: z.number().int().nonnegative().max(600_000).default(10_000),
  })
  .superRefine((config, context) => {
    if (config.policy === undefined && config.policies === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['policy'],
        message: 'expected "policy" or "policies": the session policy is required',
      })
    }
    const check = (input: unknown, path: (string | number)[]) => {
      try {
        definePolicy(input as Parameters<typeof definePolicy>[0])
      } catch (error) {
        const message = error instanceof CurfewError ? error.message : String(error)
        context.addIssue({ code: 'custom', path, message })
      }
    }
    if (config.policy) check(config.policy, ['policy'])
    for (const [name, tier] of Object.entries(config.policies ?? {})) check(tier, ['policies', name])
    const names = new Set(Object.keys(config.policies ?? {}))
    if (config.policy) names.add(config.policy.name ?? 'default')
    config.tiers.forEach((tier, index) => {
      if (!names.has(tier.policy)) {
        context.addIssue({
          code: 'custom',
          path: ['tiers', index, 'policy'],
          message: `expected one of the configured policies (${[...names].join(', ')})`,
        })
      }
    })
    if (config.devSignIn && config.oidc) {
      context.addIssue({
        code: 'custom',
        path: ['devSignIn'],
        message: 'expected false when "oidc" is configured: the dev sign-in is for development only',
      })
    }
  })

/** The config file as written (before defaults). */
export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>
/** The config with every default applied. */
export type GatewayConfig = z.output<typeof gatewayConfigSchema>
/** One upstream of the reverse-proxy mode. */
export type UpstreamConfig = z.output<typeof upstream>
