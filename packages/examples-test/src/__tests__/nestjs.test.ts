import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { driveSignInFlow } from '../driveHttp'
import { installExample } from '../install'
import { exampleDir } from '../paths'
import { type RunningApp, startApp } from '../server'
import { step } from '../timing'

const dir = exampleDir('nestjs')
let app: RunningApp | undefined

afterAll(async () => {
  await app?.stop()
})

describe('examples/nestjs', () => {
  it('installs from the tarballs and compiles the module, the guard and the controller', async () => {
    await step('nestjs: npm install', () => installExample(dir))
    step('nestjs: tsc', () => {
      execFileSync(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
        cwd: dir,
        stdio: 'pipe',
      })
    })
  })

  it('guards a controller route with the session, and refuses the cookie after sign-out', async () => {
    app = await step('nestjs: start', () =>
      startApp({ cwd: dir, command: process.execPath, args: ['dist/main.js'] }),
    )
    await step('nestjs: drive over HTTP', () => driveSignInFlow(app!.url))
  })

  it('closes the session manager when the app gets SIGTERM (CurfewModule.onApplicationShutdown)', async () => {
    await app!.stop()
    expect(app!.output()).toContain('curfew: session manager closed (SIGTERM)')
  })
})
