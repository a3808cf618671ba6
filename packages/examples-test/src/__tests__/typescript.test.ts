import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { installExample } from '../install'
import { exampleDir } from '../paths'
import { step } from '../timing'

const dir = exampleDir('typescript')

describe('examples/typescript', () => {
  // Six tsc runs over every entry point with skipLibCheck off, two at a time: minutes when pnpm test shares
  // the cores.
  it('compiles CommonJS (node16) and ESM (node16, bundler) consumers with skipLibCheck off on TypeScript 5.9 and 7', {
    timeout: 900_000,
  }, async () => {
    await step('typescript: npm install', () => installExample(dir))
    const result = await step('typescript: consumer matrix', () =>
      promisify(execFile)(process.execPath, ['check.mjs'], { cwd: dir }).catch(
        (error: { stdout: string; code: number }) => ({ stdout: error.stdout, failed: true }),
      ),
    )
    process.stdout.write(result.stdout)
    expect('failed' in result ? result.stdout : '').toBe('')
    expect(result.stdout.match(/ ok +\d+\.\d s$/gm)).toHaveLength(6)
    expect(result.stdout).toMatch(/^6 cells, 2 at a time: \d+\.\d s$/m)
  })
})
