import { parseDuration } from '@curfew/core'

/** Demo settings from the environment; defaults short enough to watch a session end. */
export interface DemoConfig {
  port: number
  host: string
  idleTimeout: number
  absoluteTimeout: number
  warnBefore: number
  redisUrl: string | undefined
  /** Start the dev OpenID Provider next to the demo (`CURFEW_DEMO_IDP=off` to leave it out). */
  idp: boolean
  /** Port of the dev IdP on 127.0.0.1; 0 = any free port. */
  idpPort: number
  /** How long the dev IdP keeps its sessions; also each IdP-started session's cap (`notAfter`). */
  idpSessionLifetime: number
  /** Folder with the built frontend. */
  staticDir: string
}

export function readConfig(env: NodeJS.ProcessEnv, staticDir: string): DemoConfig {
  return {
    port: env.PORT === undefined ? 3000 : Number(env.PORT),
    host: env.HOST ?? '127.0.0.1',
    idleTimeout: parseDuration(env.CURFEW_IDLE_TIMEOUT ?? '2m'),
    absoluteTimeout: parseDuration(env.CURFEW_ABSOLUTE_TIMEOUT ?? '10m'),
    warnBefore: parseDuration(env.CURFEW_WARN_BEFORE ?? '30s'),
    redisUrl: env.REDIS_URL || undefined,
    idp: env.CURFEW_DEMO_IDP !== 'off',
    idpPort: env.CURFEW_DEMO_IDP_PORT === undefined ? 0 : Number(env.CURFEW_DEMO_IDP_PORT),
    idpSessionLifetime: parseDuration(env.CURFEW_DEMO_IDP_SESSION ?? '8m'),
    staticDir,
  }
}
