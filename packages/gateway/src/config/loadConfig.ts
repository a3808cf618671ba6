import { readFile } from 'node:fs/promises'
import { GatewayConfigError } from './errors'
import { parseConfigText } from './parseConfig'
import type { GatewayConfig } from './schema'

/**
 * Reads and validates a config file.
 *
 * @example
 * const config = await loadConfig('curfew.config.json')
 */
export async function loadConfig(path: string): Promise<GatewayConfig> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable'
    throw new GatewayConfigError({ key: '', message: `cannot read ${path} (${code})`, cause: error })
  }
  return parseConfigText(text)
}
