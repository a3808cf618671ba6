import { describe } from 'vitest'
import type { AdapterUnderTest } from './apps'
import { hostileSuite } from './hostile'
import { lifecycleSuite } from './lifecycle'
import { outageSuite } from './outage'
import { renewalSuite } from './renewal'
import { transportSuite } from './transport'

/**
 * The HTTP conformance suite: one adapter, over real HTTP on 127.0.0.1, driven by a raw `fetch` that
 * follows no browser rule (no cookie jar, no CORS, no Origin unless a test sets one).
 */
export function describeAdapterConformance(adapter: AdapterUnderTest): void {
  describe(`${adapter.name} adapter conformance`, () => {
    lifecycleSuite(adapter)
    transportSuite(adapter)
    hostileSuite(adapter)
    renewalSuite(adapter)
    outageSuite(adapter)
  })
}
