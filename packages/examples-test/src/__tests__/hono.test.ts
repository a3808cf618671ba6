import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, describe, it } from 'vitest'
import { driveSignInFlow } from '../driveHttp'
import { installExample } from '../install'
import { exampleDir } from '../paths'
import { type RunningApp, startApp } from '../server'
import { step } from '../timing'

const dir = exampleDir('hono')
let app: RunningApp | undefined

afterAll(async () => {
  await app?.stop()
})

describe('examples/hono', () => {
  it('installs from the tarballs and type-checks with a typed `session` variable', async () => {
    await step('hono: npm install', () => installExample(dir))
    step('hono: tsc', () => {
      execFileSync(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
        cwd: dir,
        stdio: 'pipe',
      })
    })
  })

  it('signs in, protects a route, accepts same-origin session POSTs and refuses the cookie after sign-out', async () => {
    app = await step('hono: start', () =>
      startApp({ cwd: dir, command: process.execPath, args: ['dist/server.js'] }),
    )
    await step('hono: drive over HTTP', () => driveSignInFlow(app!.url))
  })
})
