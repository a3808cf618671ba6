#!/usr/bin/env node
// Packs the published packages into examples/.packs/<name>.tgz (fixed names, so each example's
// package.json can point at them), exactly as `npm publish` would ship them. The examples install from
// these tarballs with npm, never from the workspace source.
//
//   node examples/pack.mjs            build the packages, then pack them
//   node examples/pack.mjs --no-build pack what is already built (the test step: turbo built them)
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')
const out = join(here, '.packs')
export const PACKAGES = ['core', 'client', 'react', 'server', 'gateway']

export function packAll({ build = true } = {}) {
  if (build) {
    const filters = PACKAGES.flatMap((name) => ['--filter', `@curfew/${name}`])
    execFileSync('pnpm', ['exec', 'turbo', 'run', 'build', ...filters, '--output-logs=errors-only'], {
      cwd: root,
      stdio: 'inherit',
    })
  }
  mkdirSync(out, { recursive: true })
  for (const name of PACKAGES) {
    const scratch = join(out, `.${name}`)
    rmSync(scratch, { recursive: true, force: true })
    mkdirSync(scratch)
    execFileSync('pnpm', ['pack', '--pack-destination', scratch], {
      cwd: join(root, 'packages', name),
      stdio: 'pipe',
    })
    const [file] = readdirSync(scratch).filter((entry) => entry.endsWith('.tgz'))
    renameSync(join(scratch, file), join(out, `curfew-${name}.tgz`))
    rmSync(scratch, { recursive: true, force: true })
  }
  return out
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  packAll({ build: !process.argv.includes('--no-build') })
  console.log(`packed ${PACKAGES.map((name) => `@curfew/${name}`).join(', ')} into ${out}`)
}
