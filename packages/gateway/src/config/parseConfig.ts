import { GatewayConfigError } from './errors'
import { type GatewayConfig, gatewayConfigSchema } from './schema'

function keyOf(path: readonly PropertyKey[]): string {
  return path.map((part) => String(part)).join('.')
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, '; ').slice(0, 300)
}

/**
 * Validates a parsed config object and applies defaults. Throws {@link GatewayConfigError} naming the
 * first offending key and what it expected.
 *
 * @example
 * const config = parseConfig({ policy: { idleTimeout: '15m', absoluteTimeout: '12h' } })
 * config.listen // { host: '127.0.0.1', port: 4180 }
 */
export function parseConfig(input: unknown): GatewayConfig {
  const result = gatewayConfigSchema.safeParse(input)
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  let key = keyOf(issue.path)
  let message = issue.message
  // An unknown key is reported at its parent; name the key itself.
  if (issue.code === 'unrecognized_keys') {
    key = keyOf([...issue.path, issue.keys[0]!])
    message = 'unknown key (a typo?)'
  }
  return fail(key, oneLine(message))
}

function fail(key: string, message: string): never {
  throw new GatewayConfigError({ key, message })
}

/**
 * Parses the text of `curfew.config.json`.
 *
 * @example
 * const config = parseConfigText(await readFile('curfew.config.json', 'utf8'))
 */
export function parseConfigText(text: string): GatewayConfig {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new GatewayConfigError({
      key: '',
      message: `not JSON: ${oneLine((error as Error).message)}`,
      cause: error,
    })
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new GatewayConfigError({ key: '', message: 'expected a JSON object' })
  }
  return parseConfig(json)
}
