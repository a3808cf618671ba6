import { MemoryStore } from '../memory/memoryStore'
import { describeSessionStore } from './conformance'

describeSessionStore('MemoryStore', () => new MemoryStore({ sweepInterval: 0 }))
