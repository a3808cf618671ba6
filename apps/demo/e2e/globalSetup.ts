import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The end-to-end tests serve the real built frontend, so build it (and the backend bundle) first. */
export default function setup(): void {
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url))], {
    stdio: 'inherit',
  })
}
