// Network: session requests the server receives in one hour from an active user with 1, 5 and 10 tabs,
// and from an idle user (one tab, no input). Chromium with page.clock; the server's clock moves with it.
import { fmt } from '../lib/stats.js'
import { bundleClient, launchBrowser, quiesce, startApp } from './app.js'

const HOUR = 3_600_000
const STEP = 10_000

async function user(options) {
  const { browser, app, name, tabs, active, duration } = options
  const context = await browser.newContext()
  await context.clock.install({ time: app.now() })
  app.advance(1_000)
  await context.clock.pauseAt(app.now())
  const login = await context.newPage()
  await login.goto(`${app.url}/login?user=${name}`)
  await login.close()
  const pages = []
  for (let i = 0; i < tabs; i++) {
    const page = await context.newPage()
    await page.goto(`${app.url}/app?tab=${i}&user=${name}`)
    await page.waitForFunction(() => typeof window.curfew === 'object')
    // Let the shared clock move so each tab's channel messages are newer than the other tabs' listeners.
    await context.clock.runFor(100)
    app.advance(100)
    await quiesce(context.pages())
    pages.push(page)
  }
  const mine = () => app.hits.filter((hit) => hit.user === name).length
  // Opening a tab costs one passive check (its first state); the hour is counted from here.
  const opening = mine()
  for (let elapsed = 0, turn = 0; elapsed < duration; elapsed += STEP, turn++) {
    // An active user: a key press every 10 s, in one tab after the other.
    if (active) await pages[turn % tabs].keyboard.press('Shift')
    app.advance(STEP)
    await context.clock.runFor(STEP)
    await quiesce(pages)
  }
  const status = await pages[0].evaluate(() => window.curfew.getSnapshot().status)
  await context.close()
  return { requests: mine() - opening, opening, status }
}

export async function runNetwork({ quick }) {
  const clientCode = await bundleClient()
  const app = await startApp({ clientCode, t0: Date.UTC(2026, 0, 1, 9) })
  const browser = await launchBrowser()
  // Quick mode simulates 20 minutes of an active user and scales to an hour (the pattern repeats every
  // report interval); the idle user always gets the whole hour (it is not periodic, and cheap).
  const activeFor = quick ? HOUR / 3 : HOUR
  try {
    const results = {}
    for (const [name, tabs, active] of [
      ['one', 1, true],
      ['five', 5, true],
      ['ten', 10, true],
      ['idle', 1, false],
    ]) {
      if (quick && name === 'five') continue
      const duration = active ? activeFor : HOUR
      const r = await user({ browser, app, name, tabs, active, duration })
      results[name] = { ...r, perHour: (r.requests * HOUR) / duration, simulatedMs: duration }
    }
    const one = results.one.perHour
    const row = (label, r, extra = {}) => ({
      section: 'Network',
      name: label,
      value:
        `${fmt.int(r.perHour)} session requests/hour with the tabs open ` +
        `(+ ${r.opening} to open them; state at end: ${r.status})`,
      ratio: `${fmt.x(r.perHour / one)} 1 tab`,
      ...extra,
    })
    const rows = [row('active user, 1 tab', results.one)]
    if (results.five) rows.push(row('active user, 5 tabs', results.five))
    rows.push(
      row('active user, 10 tabs', results.ten, { target: '= 1 tab', met: results.ten.perHour <= one }),
      row('idle user, 1 tab (15 min idle timeout)', results.idle),
    )
    return { summary: results, rows }
  } finally {
    await browser.close()
    await app.close()
  }
}
