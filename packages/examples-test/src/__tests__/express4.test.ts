import { afterAll, describe, expect, it } from 'vitest'
import { driveSignInFlow } from '../driveHttp'
import { installExample } from '../install'
import { exampleDir } from '../paths'
import { type RunningApp, startApp } from '../server'
import { step } from '../timing'

const dir = exampleDir('express4')
let app: RunningApp | undefined

afterAll(async () => {
  await app?.stop()
})

describe('examples/express4', () => {
  it('installs Express 4 and the packed packages with plain npm (no peer-dependency conflict)', async () => {
    await step('express4: npm install', () => installExample(dir))
  })

  it('signs in, protects a route, accepts same-origin session POSTs and refuses the cookie after sign-out', async () => {
    app = await step('express4: start', () =>
      startApp({ cwd: dir, command: process.execPath, args: ['server.js'] }),
    )
    await step('express4: drive over HTTP', () => driveSignInFlow(app!.url))
  })

  it('prints no Express deprecation warning', () => {
    expect(app?.output()).not.toMatch(/deprecated/i)
  })
})
