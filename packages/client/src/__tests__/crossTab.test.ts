import { enforceOptions } from 'broadcast-channel'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSessionClient } from '../client'
import type { SessionClient } from '../types'
import { startServer, type TestServer } from './harness'

// The real broadcast-channel and its leader election, on its in-process transport (Node has no
// BroadcastChannel between "tabs" of one test). The real browser path is in test/browser.
beforeAll(() => enforceOptions({ type: 'simulate' }))
afterAll(() => enforceOptions(null))

const T0 = Date.UTC(2026, 0, 1, 12)
let channel = 0
let tabs: SessionClient[] = []

beforeEach(() => {
  vi.useFakeTimers({ now: T0 })
  channel++
})
afterEach(async () => {
  // Closing a channel waits for its last messages, which travel on (fake) timers.
  const stopping = Promise.all(tabs.map((tab) => tab.stop()))
  await vi.advanceTimersByTimeAsync(5_000)
  await stopping
  tabs = []
  vi.useRealTimers()
})

function openTabs(server: TestServer, count: number) {
  for (let i = 0; i < count; i++) {
    const tab = createSessionClient({ fetch: server.fetch, channelName: `test-${channel}` })
    tab.start()
    tabs.push(tab)
  }
  return tabs
}

const leaders = () => tabs.filter((tab) => tab.getSnapshot().isLeader)

describe('cross-tab coordination', () => {
  it('elects one leader; it alone asks the server and every tab shares its answer', async () => {
    const server = await startServer()
    openTabs(server, 3)
    await vi.advanceTimersByTimeAsync(5_000)
    expect(leaders()).toHaveLength(1)
    expect(server.requests).toEqual(['GET /session'])
    for (const tab of tabs)
      expect(tab.getSnapshot()).toMatchObject({ status: 'active', expiresAt: T0 + 60_000 })
  })

  it('makes "stay signed in" in three tabs at once one request', async () => {
    const server = await startServer()
    openTabs(server, 3)
    await vi.advanceTimersByTimeAsync(51_000)
    for (const tab of tabs) expect(tab.getSnapshot().status).toBe('warning')
    const before = server.requests.length
    const answers = await Promise.all([
      ...tabs.map((tab) => tab.staySignedIn()),
      vi.advanceTimersByTimeAsync(1_000).then(() => null),
    ])
    expect(server.requests.slice(before)).toEqual(['POST /session/refresh'])
    for (const answer of answers.slice(0, 3))
      expect(answer).toMatchObject({ status: 'active', expiresAt: T0 + 51_000 + 60_000 })
  })

  it('ends every tab when a follower logs out', async () => {
    const server = await startServer()
    openTabs(server, 3)
    await vi.advanceTimersByTimeAsync(5_000)
    const follower = tabs.find((tab) => !tab.getSnapshot().isLeader)!
    await follower.logout()
    await vi.advanceTimersByTimeAsync(1_000)
    for (const tab of tabs) expect(tab.getSnapshot()).toMatchObject({ status: 'expired', reason: 'logout' })
  })

  it('hands over when the leader leaves, and the new leader keeps the deadline', async () => {
    const server = await startServer()
    openTabs(server, 3)
    await vi.advanceTimersByTimeAsync(5_000)
    const leader = leaders()[0]!
    const stopping = leader.stop()
    await vi.advanceTimersByTimeAsync(1_000)
    await stopping
    tabs = tabs.filter((tab) => tab !== leader)
    await vi.advanceTimersByTimeAsync(5_000)
    expect(leaders()).toHaveLength(1)
    // The new leader, not a dead one, confirms the end.
    const before = server.requests.length
    await vi.advanceTimersByTimeAsync(55_000)
    expect(server.requests.length).toBeGreaterThan(before)
    for (const tab of tabs) expect(tab.getSnapshot()).toMatchObject({ status: 'expired', reason: 'idle' })
  })

  it('lets a new login in one tab reach a tab that had expired', async () => {
    const server = await startServer()
    openTabs(server, 2)
    await vi.advanceTimersByTimeAsync(61_000)
    for (const tab of tabs) expect(tab.getSnapshot().status).toBe('expired')
    await server.signIn('ada')
    await Promise.all([tabs[1]!.refreshStatus(), vi.advanceTimersByTimeAsync(1_000)])
    for (const tab of tabs) expect(tab.getSnapshot()).toMatchObject({ status: 'active', subject: 'ada' })
  })
})
