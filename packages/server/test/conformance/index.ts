import { describe } from 'vitest'
import { adapterPartsSuite } from './adapterParts'
import type { AdapterUnderTest } from './apps'
import { memoryStore, type StoreUnderTest } from './harness'
import { hostileSuite } from './hostile'
import { lifecycleSuite } from './lifecycle'
import { outageSuite } from './outage'
import { renewalSuite } from './renewal'
import { transportSuite } from './transport'

/**
 * The HTTP conformance suite: one adapter over one store (default MemoryStore), over real HTTP on
 * 127.0.0.1, driven by a raw `fetch` that follows no browser rule (no cookie jar, no CORS, no Origin
 * unless a test sets one). Another store joins by passing its {@link StoreUnderTest}.
 */
export function describeAdapterConformance(
  adapter: AdapterUnderTest,
  store: StoreUnderTest = memoryStore,
): void {
  const target = { adapter, store }
  describe(`${adapter.name} adapter conformance (${store.name} store)`, () => {
    lifecycleSuite(target)
    transportSuite(target)
    hostileSuite(target)
    renewalSuite(target)
    adapterPartsSuite(target)
    // The outage suite brings its own failing store.
    outageSuite({ adapter, store: memoryStore })
  })
}
