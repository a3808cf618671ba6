import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/**
 * What an install depends on: the example's package.json and every tarball it points at. The same key
 * as last time means node_modules is already right, so a second run skips npm entirely.
 */
function installKey(dir: string): string {
  const manifest = readFileSync(join(dir, 'package.json'), 'utf8')
  const hash = createHash('sha256').update(manifest)
  const { dependencies = {} } = JSON.parse(manifest) as { dependencies?: Record<string, string> }
  for (const spec of Object.values(dependencies)) {
    if (spec.startsWith('file:')) hash.update(readFileSync(resolve(dir, spec.slice('file:'.length))))
  }
  return hash.digest('hex')
}

/** `npm install` in an example from the packed tarballs, unless the cached install still matches. */
export async function installExample(dir: string): Promise<'cached' | 'installed'> {
  const key = installKey(dir)
  const keyFile = join(dir, 'node_modules', '.curfew-install-key')
  if (existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key) return 'cached'
  // Same version (0.0.0), new contents: npm would keep the old unpacked copy, so drop it first.
  rmSync(join(dir, 'node_modules', '@curfew'), { recursive: true, force: true })
  await run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--prefer-offline'], {
    cwd: dir,
    env: { ...process.env, npm_config_loglevel: 'error' },
  })
  writeFileSync(keyFile, key)
  return 'installed'
}
