import { GatewayConfigError } from './config/errors'
import { loadConfig } from './config/loadConfig'
import { type RunningGateway, startGateway } from './startGateway'

/** Exit codes of `curfew serve`: 0 after a clean shutdown, 1 when it cannot start, 2 for a bad config. */
export const SERVE_EXIT = { ok: 0, failed: 1, config: 2 } as const

/** Options of {@link serve}. */
export interface ServeOptions {
  /** Path of `curfew.config.json`. */
  configPath: string
  /** One line per message. Default: `process.stderr`. */
  stderr?: (line: string) => void
  /** Install SIGTERM/SIGINT handlers that drain and close the gateway. Default `true`. */
  handleSignals?: boolean
  /** Called once listening (tests, supervisors). */
  onListening?: (gateway: RunningGateway) => void
}

/**
 * `curfew serve --config <file>`: loads and validates the config, starts the gateway, and on SIGTERM
 * drains (`/readyz` fails), finishes in-flight requests, closes proxied WebSockets with 1001 and
 * resolves the exit code. A bad config resolves 2 after one line naming the key.
 *
 * @example
 * process.exitCode = await serve({ configPath: 'curfew.config.json' })
 */
export async function serve(options: ServeOptions): Promise<number> {
  const stderr = options.stderr ?? ((line: string) => process.stderr.write(`${line}\n`))
  let gateway: RunningGateway
  try {
    gateway = await startGateway({ config: await loadConfig(options.configPath) })
  } catch (error) {
    if (error instanceof GatewayConfigError) {
      stderr(`curfew serve: bad config ${options.configPath}: ${error.message}`)
      return SERVE_EXIT.config
    }
    stderr(`curfew serve: cannot start: ${(error as Error).message ?? String(error)}`)
    return SERVE_EXIT.failed
  }
  stderr(`curfew serve: listening on ${gateway.url}`)
  if (gateway.metricsUrl) stderr(`curfew serve: metrics for Prometheus at ${gateway.metricsUrl}`)
  options.onListening?.(gateway)
  if (options.handleSignals === false) return SERVE_EXIT.ok

  return new Promise<number>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop)
      process.off('SIGINT', stop)
      stderr(`curfew serve: ${signal}: draining, finishing in-flight requests`)
      gateway.drain()
      const force = setTimeout(() => {
        stderr('curfew serve: shutdown timeout: closing the remaining connections')
        gateway.app.server.closeAllConnections()
      }, gateway.config.shutdownTimeout)
      force.unref()
      gateway.close().then(
        () => {
          clearTimeout(force)
          resolve(SERVE_EXIT.ok)
        },
        (error: unknown) => {
          stderr(`curfew serve: shutdown failed: ${String(error)}`)
          resolve(SERVE_EXIT.failed)
        },
      )
    }
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
  })
}
