import { CliError, EXIT, type ExitCode } from '../exitCodes'
import type { CliIO } from '../io'

/** What `curfew serve` needs from `@curfew/gateway` (an optional peer dependency). */
export interface GatewayModule {
  serve(options: { configPath: string; stderr?: (line: string) => void }): Promise<number>
}

/** Loads `@curfew/gateway` only when `serve` runs, so the other commands never need it installed. */
export async function loadGateway(
  importer: (name: string) => Promise<unknown> = (name) => import(name),
): Promise<GatewayModule> {
  try {
    return (await importer('@curfew/gateway')) as GatewayModule
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new CliError({
        message: 'curfew serve needs the @curfew/gateway package: npm install @curfew/gateway',
        exitCode: EXIT.usage,
        cause: error,
      })
    }
    throw error
  }
}

/**
 * `curfew serve --config curfew.config.json`: runs the Curfew gateway until SIGTERM. Resolves 0 after a
 * clean shutdown, 1 when it cannot start, 2 for a bad config (one line naming the key).
 *
 * @example
 * process.exitCode = await runServe({ configPath: 'curfew.config.json' }, nodeIO)
 */
export async function runServe(
  options: { configPath: string; importer?: (name: string) => Promise<unknown> },
  io: CliIO,
): Promise<ExitCode> {
  const gateway = await loadGateway(options.importer)
  const code = await gateway.serve({ configPath: options.configPath, stderr: io.stderr })
  return (code === 0 || code === 1 || code === 2 ? code : EXIT.mismatch) as ExitCode
}
