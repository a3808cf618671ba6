// Main-thread cost of input: 10,000 synthetic pointer events dispatched in a page with Curfew listening
// (started, signed in) against the same page without any listener. Real clock; rounds alternated.
import { alternate, fmt, median } from '../lib/stats.js'
import { bundleClient, launchBrowser, startApp } from './app.js'

const EVENTS = 10_000

function dispatch(page) {
  return page.evaluate((count) => {
    const target = document.querySelector('main')
    const t0 = performance.now()
    for (let i = 0; i < count; i++) {
      target.dispatchEvent(
        new PointerEvent('pointermove', { bubbles: true, clientX: i % 500, clientY: i % 300 }),
      )
    }
    return performance.now() - t0
  }, EVENTS)
}

export async function runEvents({ quick }) {
  const clientCode = await bundleClient()
  const app = await startApp({ clientCode })
  const browser = await launchBrowser()
  try {
    const context = await browser.newContext()
    const login = await context.newPage()
    await login.goto(`${app.url}/login?user=events`)
    await login.close()
    const pages = { none: await context.newPage(), curfew: await context.newPage() }
    await pages.none.goto(`${app.url}/blank`)
    await pages.curfew.goto(`${app.url}/app`)
    await pages.curfew.waitForFunction(() => window.curfew?.getSnapshot().status === 'active')
    for (const page of Object.values(pages)) await dispatch(page)
    const results = await alternate({
      rounds: quick ? 5 : 15,
      variants: ['none', 'curfew'],
      run: async (name) => {
        await pages[name].bringToFront()
        return dispatch(pages[name])
      },
    })
    const none = median(results.none)
    const curfew = median(results.curfew)
    await context.close()
    const perEvent = ((curfew - none) * 1000) / EVENTS
    return {
      summary: { none, curfew, results },
      rows: [
        {
          section: 'Main thread',
          name: `${fmt.int(EVENTS)} pointermove events, no listener`,
          value: fmt.ms(none),
          ratio: '1.00× none',
        },
        {
          section: 'Main thread',
          name: `${fmt.int(EVENTS)} pointermove events, Curfew listening`,
          value: `${fmt.ms(curfew)} (${perEvent >= 0 ? '+' : ''}${perEvent.toFixed(3)} µs/event)`,
          ratio: fmt.x(curfew / none),
        },
      ],
    }
  } finally {
    await browser.close()
    await app.close()
  }
}
