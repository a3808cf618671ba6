import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository's `examples/` folder. */
export const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '../../../examples')

/** Where an example lives. */
export function exampleDir(name: string): string {
  return join(EXAMPLES, name)
}
