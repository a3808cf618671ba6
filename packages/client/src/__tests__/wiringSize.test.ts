import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// client.ts is the browser client's wiring only; each rule (status, wake-up, report due, leader) is a
// pure function in a file of its own. Issue 12 set its size under 250 lines so a newcomer reads it in
// one sitting; new rules go next to it, not into it.
describe('client.ts', () => {
  it('stays under 250 lines', () => {
    const source = readFileSync(new URL('../client.ts', import.meta.url), 'utf8')
    expect(source.trimEnd().split('\n').length).toBeLessThan(250) // as `wc -l` counts
  })
})
