import type { BrowserContext, Page } from 'playwright-core'
import { snapshot } from '../../../client/test/browser/harness'
import type { BrowserApp } from './server'

/** What the server decides for the context's cookie right now (a passive check, no activity). */
async function serverTruth(app: BrowserApp, context: BrowserContext) {
  const cookie = (await context.cookies()).find((c) => c.name === 'curfew_session')
  if (!cookie) return { accepts: false, reason: 'no_cookie' }
  const result = await app.manager.validate(cookie.value, { activity: false })
  return result.ok ? { accepts: true, reason: null } : { accepts: false, reason: result.reason }
}

/**
 * Compares, at every step, each page's view with the server's decision:
 * - a page shows `expired` while the server still accepts the session → "signs out an accepted user";
 * - a page shows `active`/`warning` while the server refuses, once the page has had its check: for a
 *   deadline the server reached, the next step (the page predicts deadlines itself); for anything else
 *   (lost store, revocation), once a 401 has reached the pages since the server started refusing.
 */
export function createOracle(app: BrowserApp, context: BrowserContext) {
  const violations: string[] = []
  let refusedSince: { step: number; hits: number } | undefined
  let step = 0
  return {
    violations,
    steps: () => step,
    async check(pages: Page[], label = '') {
      step++
      const truth = await serverTruth(app, context)
      if (truth.accepts) refusedSince = undefined
      else refusedSince ??= { step, hits: app.hits.length }
      for (const page of pages) {
        if (page.isClosed()) continue
        const view = await snapshot(page)
        const where = `step ${step}${label ? ` (${label})` : ''}, tab ${new URL(page.url()).searchParams.get('tab')}`
        if (view.status === 'expired' && truth.accepts) {
          violations.push(`${where}: page expired (${view.reason}) while the server accepts`)
        }
        if ((view.status === 'active' || view.status === 'warning') && refusedSince) {
          const deadline = truth.reason === 'idle' || truth.reason === 'absolute'
          const told = app.hits.slice(refusedSince.hits).some((hit) => hit.status === 401)
          if ((deadline && step - refusedSince.step >= 1) || told) {
            violations.push(`${where}: page ${view.status} while the server refuses (${truth.reason})`)
          }
        }
      }
      return truth
    },
  }
}

/** How many times each page's `onExpired` fired (an app would send the user to the login page). */
export function expiredCalls(pages: Page[]): Promise<number[]> {
  return Promise.all(
    pages.map((page) =>
      page.isClosed() ? 0 : page.evaluate(() => (window as unknown as { expiredCalls: number }).expiredCalls),
    ),
  )
}
