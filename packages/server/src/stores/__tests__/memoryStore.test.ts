import { MemoryStore } from '../memory/memoryStore'
import { describeSessionStore } from './conformance'

describeSessionStore('MemoryStore', () => new MemoryStore({ sweepInterval: 0 }))
// The same store on a clock of its own (the manager then passes no `now`), so the clock case runs too.
describeSessionStore('MemoryStore with its own clock', () => {
  const clock = Date.UTC(2026, 0, 1, 12)
  return new MemoryStore({ sweepInterval: 0, now: () => clock })
})
