import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { EXAMPLES } from './paths'
import { step } from './timing'

/**
 * Vitest global setup: packs @curfew/{core,client,react,server} into examples/.packs once per run.
 * Turbo has built them already (this package's test depends on their build).
 */
export default function packTarballs(): void {
  step('pack the packages', () => {
    execFileSync(process.execPath, [join(EXAMPLES, 'pack.mjs'), '--no-build'], { stdio: 'pipe' })
  })
}
