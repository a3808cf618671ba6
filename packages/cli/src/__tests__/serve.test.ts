import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runServe } from '../commands/serve'
import { runCli } from '../run'
import { captureIO } from './helpers'

describe('curfew serve', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'curfew-serve-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('exits 2 with one line naming the key of a bad config', async () => {
    const file = join(dir, 'curfew.config.json')
    await writeFile(
      file,
      JSON.stringify({ policy: { idleTimeout: '15m', absoluteTimeout: '12h' }, store: 'sql' }),
    )
    const io = captureIO()
    expect(await runCli(['serve', '--config', file], io)).toBe(2)
    expect(io.err).toHaveLength(1)
    expect(io.err[0]).toMatch(/"store": expected "memory" or \{ "redis"/)
  })

  it('says how to install @curfew/gateway when it is missing', async () => {
    const io = captureIO()
    const missing = Object.assign(new Error("Cannot find package '@curfew/gateway'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    })
    const importer = async () => {
      throw missing
    }
    await expect(runServe({ configPath: 'x.json', importer }, io)).rejects.toThrow(
      'npm install @curfew/gateway',
    )
  })

  it('exits 2 when the config file does not exist', async () => {
    const io = captureIO()
    expect(await runCli(['serve', '--config', join(dir, 'none.json')], io)).toBe(2)
    expect(io.err[0]).toContain('cannot read')
  })
})
