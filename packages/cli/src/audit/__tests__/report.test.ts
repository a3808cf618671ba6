import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { launchChromium } from '@curfew/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { runAuditReport } from '../../commands/auditReport'
import type { CliIO } from '../../io'
import { type GeneratedLogs, generateLogs, T0 } from './generateLogs'

const DOCS_SCREENSHOT = new URL('../../../../../docs/audit-report.png', import.meta.url)

const io: CliIO = {
  stdout: () => {},
  stderr: () => {},
  fetch: (...args) => fetch(...args),
  readFile: (path) => readFile(path, 'utf8'),
  writeFile: (path, text) => writeFile(path, text),
}

let logs: GeneratedLogs | undefined
let dir: string | undefined
afterAll(async () => {
  await logs?.cleanup()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('curfew audit report', () => {
  it('writes one offline HTML file whose every chart renders in Chromium with no request and no console error', async () => {
    logs = await generateLogs({ store: 'redis' })
    dir = await mkdtemp(join(tmpdir(), 'curfew-report-'))
    const out = join(dir, 'report.html')
    const { exitCode } = await runAuditReport(
      { files: logs.files, policyFile: logs.policyFile, out, now: () => T0 + 3 * 3_600_000 },
      io,
    )
    expect(exitCode).toBe(0)
    const html = await readFile(out, 'utf8')
    // No external script, stylesheet or image; the browser run below proves no request at all.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|<img[^>]+src=/)
    expect(html).toContain('PASS')

    const browser = await launchChromium()
    try {
      const page = await browser.newPage({ viewport: { width: 1000, height: 800 } })
      const requests: string[] = []
      const problems: string[] = []
      page.on('request', (request) => {
        if (request.url() !== pathToFileURL(out).href) requests.push(request.url())
      })
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text())
      })
      page.on('pageerror', (error) => problems.push(error.message))
      await page.goto(pathToFileURL(out).href)
      await page.waitForFunction(() => document.body.getAttribute('data-charts') === '5')
      const charts = await page.$$eval('.chart', (nodes) =>
        nodes.map((node) => ({
          id: node.id,
          rendered: node.getAttribute('data-rendered'),
          canvases: node.querySelectorAll('canvas').length,
          width: node.getBoundingClientRect().width,
          legend: node.querySelectorAll('.u-legend .u-series').length,
        })),
      )
      expect(charts.map((c) => c.id)).toEqual([
        'chart-lengths',
        'chart-gaps',
        'chart-reasons',
        'chart-client',
        'chart-services',
      ])
      for (const chart of charts) {
        expect(chart).toMatchObject({ rendered: 'true', canvases: 1 })
        expect(chart.width).toBeGreaterThan(300)
        expect(chart.legend).toBeGreaterThan(1)
      }
      // The canvases hold drawn pixels, not a blank surface.
      const inked = await page.$$eval('.chart canvas', (canvases) =>
        canvases.map((canvas) => {
          const c = canvas as HTMLCanvasElement
          const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
          let ink = 0
          for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) ink += 1
          return ink
        }),
      )
      for (const ink of inked) expect(ink).toBeGreaterThan(500)
      expect(requests).toEqual([])
      expect(problems).toEqual([])
      const shot = process.env.UPDATE_DOCS_SCREENSHOTS ? DOCS_SCREENSHOT.pathname : join(dir, 'report.png')
      await page.screenshot({ path: shot, fullPage: true })
    } finally {
      await browser.close()
    }
    // Chromium's start on a loaded 2-core machine can take most of the default 30 s.
  }, 120_000)
})
