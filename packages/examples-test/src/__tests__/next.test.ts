import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { launchChromium } from '@curfew/testing'
import type { Browser } from 'playwright-core'
import { afterAll, describe, expect, it } from 'vitest'
import { installExample } from '../install'
import { exampleDir } from '../paths'
import { type RunningApp, startApp } from '../server'
import { step } from '../timing'

const dir = exampleDir('next')
const next = join(dir, 'node_modules/next/dist/bin/next')
let app: RunningApp | undefined
let browser: Browser | undefined

afterAll(async () => {
  await browser?.close()
  await app?.stop()
})

async function sessionStatus(url: string, cookie: string): Promise<Response> {
  return fetch(`${url}/session`, { headers: { cookie } })
}

describe('examples/next', () => {
  it('installs from the tarballs and passes `next build` with the provider in a Server Component layout', async () => {
    await step('next: npm install', () => installExample(dir))
    await step('next: next build', () =>
      promisify(execFile)(process.execPath, [next, 'build'], {
        cwd: dir,
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
        maxBuffer: 16 * 1024 * 1024,
      }),
    )
  })

  it('answers the session routes at /session itself ([[...path]]) and guards the protected page', async () => {
    // Short policy so the browser sees warning, extension and expiry within seconds.
    app = await step('next: next start', () =>
      startApp({
        cwd: dir,
        command: process.execPath,
        args: [next, 'start', '-H', '127.0.0.1'],
        env: { CURFEW_IDLE: '12s', CURFEW_WARN: '8s', CURFEW_ABSOLUTE: '1h' },
      }),
    )
    const status = await fetch(`${app.url}/session`)
    expect(status.status).toBe(401)
    expect(await status.json()).toMatchObject({ error: 'no_session' })
    const guarded = await fetch(`${app.url}/protected`, { redirect: 'manual' })
    expect(guarded.status).toBe(307)
    expect(new URL(guarded.headers.get('location')!, app.url).pathname).toBe('/')
  })

  it('signs in, warns from the layout dialog, stays signed in, expires, and then refuses the old cookie', async () => {
    const url = app!.url
    browser = await step('next: launch Chromium', () => launchChromium())
    const context = await browser.newContext()
    const page = await context.newPage()

    await step('next: sign in', async () => {
      await page.goto(`${url}/`)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForURL(`${url}/protected`)
      await page.getByRole('heading', { name: 'Signed in as ada' }).waitFor()
    })
    const cookies = await context.cookies(url)
    const session = cookies.find((cookie) => cookie.name.endsWith('curfew_session'))!
    const cookie = `${session.name}=${session.value}`
    const firstDeadline = ((await (await sessionStatus(url, cookie)).json()) as { expiresAt: number })
      .expiresAt
    // The Server Component reads the same cookie through cookies() (lib/curfew.ts, currentSession).
    const page200 = await fetch(`${url}/protected`, { headers: { cookie }, redirect: 'manual' })
    expect(page200.status).toBe(200)
    expect(await page200.text()).toMatch(/Signed in as (<!-- -->)?ada/)

    const dialog = page.getByRole('alertdialog')
    await step('next: warning dialog', async () => {
      await dialog.getByText('Your session is about to expire').waitFor({ timeout: 30_000 })
    })
    await step('next: stay signed in', async () => {
      await dialog.getByRole('button', { name: 'Stay signed in' }).click()
      await dialog.waitFor({ state: 'hidden' })
    })
    const extended = ((await (await sessionStatus(url, cookie)).json()) as { expiresAt: number }).expiresAt
    expect(extended).toBeGreaterThan(firstDeadline)

    await step('next: expiry', async () => {
      await page.getByText('Your session has expired').waitFor({ timeout: 40_000 })
    })
    const refused = await sessionStatus(url, cookie)
    expect(refused.status).toBe(401)
    expect(await refused.json()).toMatchObject({ error: 'session_expired', reason: 'idle' })
    // The cookie still reaches the page (the proxy lets it through); currentSession finds no session.
    const gone = await fetch(`${url}/protected`, { headers: { cookie }, redirect: 'manual' })
    expect(gone.status).toBe(307)
    expect(new URL(gone.headers.get('location')!, url).pathname).toBe('/')
  })
})
