import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { clientFor, settle, startServer } from './harness'

const loads = vi.hoisted(() => ({ count: 0 }))
vi.mock('broadcast-channel', async (importOriginal) => {
  loads.count++
  return importOriginal()
})

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 0, 1, 12) })
})
afterEach(() => {
  vi.useRealTimers()
})

it('never loads broadcast-channel with crossTab: false, and still leads and syncs', async () => {
  const server = await startServer()
  const client = clientFor(server, { crossTab: false })
  client.start()
  await settle()
  expect(client.getSnapshot()).toMatchObject({ status: 'active', isLeader: true })
  await client.stop()
  expect(loads.count).toBe(0)
})
