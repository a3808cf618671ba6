import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// createSessionManager.ts is the manager's wiring only; each rule it wires lives in a file of its own
// (check, storeGuard, storeClock, auditWiring, lateAnswer…). Issue 12 set its size under 250 lines so
// a newcomer reads it in one sitting; new rules go next to it, not into it.
describe('createSessionManager.ts', () => {
  it('stays under 250 lines', () => {
    const source = readFileSync(new URL('../createSessionManager.ts', import.meta.url), 'utf8')
    expect(source.trimEnd().split('\n').length).toBeLessThan(250) // as `wc -l` counts
  })
})
