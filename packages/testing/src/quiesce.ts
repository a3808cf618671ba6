import type { Page } from 'playwright-core'

/**
 * Waits until no page has a fetch in flight, three checks in a row (an answer may start another
 * request). The pages count their fetches in `window.inflight`; a page without the counter counts as
 * idle. Bounded: it gives up after 2,000 checks.
 */
export async function quiesce(pages: readonly Page[]): Promise<void> {
  let calm = 0
  for (let i = 0; i < 2_000 && calm < 3; i++) {
    let busy = 0
    for (const page of pages) {
      busy += await page
        .evaluate(() => (window as unknown as { inflight?: number }).inflight ?? 0)
        .catch(() => 0)
    }
    calm = busy ? 0 : calm + 1
  }
}
