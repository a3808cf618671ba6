import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import {
  type AppServer,
  advance,
  bundleClient,
  IDLE,
  launchBrowser,
  openTab,
  signedInContext,
  snapshot,
  startAppServer,
} from './harness'

let browser: Browser
let server: AppServer
let cleanup: () => void

beforeAll(async () => {
  const bundle = await bundleClient()
  cleanup = bundle.cleanup
  server = await startAppServer(bundle.code)
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  cleanup?.()
})

/** An active user for one idle period: a key press every 2 s, spread over the open tabs in turn. */
async function activeUser(user: string, tabCount: number) {
  const context = await signedInContext(browser, server, user)
  const pages: Page[] = []
  for (let i = 0; i < tabCount; i++) pages.push(await openTab({ context, server, name: `t${i}`, user }))
  const mine = () => server.hits.filter((hit) => hit.subject === user)
  const opening = mine().length
  await advance({
    server,
    context,
    pages,
    ms: IDLE,
    each: async (elapsed) => {
      if (elapsed % 2_000 === 0) await pages[(elapsed / 2_000) % tabCount]!.keyboard.press('Shift')
    },
  })
  for (const page of pages) expect(await snapshot(page)).toMatchObject({ status: 'active', subject: user })
  return { opening, requests: mine().length - opening, context }
}

it('costs the server no more requests with 5 tabs open than with 1', async () => {
  const one = await activeUser('solo', 1)
  const five = await activeUser('quintet', 5)
  console.log(
    `[one idle period (${IDLE / 1000} s), active user, tabs open] session requests received by the server: ` +
      `1 tab = ${one.requests}, 5 tabs = ${five.requests} ` +
      `(opening the tabs before: 1 tab = ${one.opening}, 5 tabs = ${five.opening}, one passive check per new tab)`,
  )
  expect(one.requests).toBeGreaterThan(0)
  expect(five.requests).toBeLessThanOrEqual(one.requests)
  await one.context.close()
  await five.context.close()
})
