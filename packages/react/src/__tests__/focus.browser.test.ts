// @vitest-environment node
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '@curfew/testing'
import { build } from 'esbuild'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const file = (path: string) => fileURLToPath(new URL(path, import.meta.url))

let browser: Browser
let server: ReturnType<typeof createServer>
let origin: string

beforeAll(async () => {
  // Bundled in memory: nothing is written to the checkout.
  const bundle = await build({
    entryPoints: [file('./browserPage.tsx')],
    bundle: true,
    write: false,
    format: 'esm',
    jsx: 'automatic',
    conditions: ['@curfew/source'],
    define: { 'process.env.NODE_ENV': '"development"' },
    // Under the React 18 run the page gets React 18 as well.
    alias:
      process.env.CURFEW_REACT_MAJOR === '18'
        ? { react: file('../../node_modules/react18'), 'react-dom': file('../../node_modules/react-dom18') }
        : {},
    logLevel: 'silent',
  })
  const files: Record<string, [string, string]> = {
    '/': [
      'text/html',
      '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Curfew dialog</title>' +
        '<link rel="stylesheet" href="/styles.css"></head><body><div id="root"></div>' +
        '<script src="/axe.js"></script><script type="module" src="/page.js"></script></body></html>',
    ],
    '/page.js': ['text/javascript', bundle.outputFiles![0]!.text],
    '/styles.css': ['text/css', await readFile(file('../styles.css'), 'utf8')],
    '/axe.js': ['text/javascript', await readFile(file('../../node_modules/axe-core/axe.min.js'), 'utf8')],
  }
  server = createServer((request, response) => {
    const found = files[request.url ?? '']
    response.writeHead(found ? 200 : 404, { 'content-type': found?.[0] ?? 'text/plain' })
    response.end(found?.[1] ?? 'not found')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => server?.close(resolve))
})

async function open(): Promise<Page> {
  const page = await browser.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(origin)
  await page.getByRole('textbox', { name: 'Note' }).waitFor()
  expect(errors).toEqual([])
  expect(await page.evaluate('reactVersion')).toMatch(new RegExp(`^${process.env.CURFEW_REACT_MAJOR}\\.`))
  return page
}

const focused = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '')

describe('SessionTimeoutDialog in Chromium', () => {
  it('moves focus into the dialog, keeps it there, and gives it back afterwards', async () => {
    const page = await open()
    await page.evaluate('session.active()')
    await page.getByRole('textbox', { name: 'Note' }).fill('draft')
    await page.evaluate('session.warn(120)')
    await page.getByRole('alertdialog', { name: 'Your session is about to expire' }).waitFor()
    expect(await focused(page)).toBe('Stay signed in')

    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('Sign out')
    await page.keyboard.press('Tab')
    expect(await focused(page)).toBe('Stay signed in')
    await page.keyboard.press('Shift+Tab')
    expect(await focused(page)).toBe('Sign out')

    await page.keyboard.press('Escape')
    expect(await page.getByRole('alertdialog').isVisible()).toBe(true)
    expect(await page.evaluate('session.calls.staySignedIn')).toBe(0)

    await page.keyboard.press('Shift+Tab')
    await page.keyboard.press('Enter')
    expect(await page.evaluate('session.calls.staySignedIn')).toBe(1)
    await page.evaluate('session.active()')
    await page.getByRole('alertdialog').waitFor({ state: 'detached' })
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('draft')
    await page.close()
  })

  it('keeps the live region in the accessibility tree but out of sight, of the layout and of clicks', async () => {
    const page = await open()
    await page.evaluate('session.active()')
    await page.evaluate('session.warn(120)')
    const dialog = page.getByRole('alertdialog')
    await dialog.waitFor()
    // Announced: the rate-limited time is in the accessibility tree (it next changes at 60 s left).
    expect(await dialog.ariaSnapshot()).toContain('2 minutes left')
    const region = page.locator('[aria-live]')
    const box = (await region.boundingBox())!
    expect(box.width * box.height).toBeGreaterThan(0)
    const seen = () => page.screenshot({ clip: box })
    const shown = await seen()
    await region.evaluate((element: HTMLElement) => {
      element.style.visibility = 'hidden'
    })
    expect((await seen()).equals(shown)).toBe(true)
    const layout = await page.evaluate(() => {
      const element = document.querySelector('[aria-live]') as HTMLElement
      const height = () => element.parentElement!.getBoundingClientRect().height
      const hit = document.elementFromPoint(
        element.getBoundingClientRect().left + 1,
        element.getBoundingClientRect().top + 1,
      )
      const before = height()
      element.style.display = 'none'
      return { hit: hit === element, moved: height() !== before }
    })
    expect(layout).toEqual({ hit: false, moved: false })
    await page.close()
  })

  it('passes axe-core with the optional stylesheet, colour contrast included', async () => {
    const page = await open()
    for (const state of ['session.warn(90)', 'session.warn(90, true)']) {
      await page.evaluate('session.active()')
      await page.evaluate(state)
      await page.getByRole('alertdialog').waitFor()
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: typeof import('axe-core') }).axe
        const results = await axe.run(document.querySelector('.curfew-overlay') as Element)
        return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`)
      })
      expect(violations).toEqual([])
    }
    await page.close()
  })
})
