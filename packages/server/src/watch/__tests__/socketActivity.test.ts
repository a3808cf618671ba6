import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createSessionManager } from '../../manager/createSessionManager'
import { MemoryStore } from '../../stores/memory/memoryStore'
import { createSocketActivity } from '../socketActivity'

const START = Date.UTC(2026, 0, 1)

beforeEach(() => {
  vi.useFakeTimers({
    now: START,
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  })
})
afterEach(() => {
  vi.useRealTimers()
})

async function setup(policy: {
  idleTimeout: string
  absoluteTimeout: string
  touchInterval: string | number
}) {
  const manager = createSessionManager({ policy, store: new MemoryStore({ sweepInterval: 0 }) })
  const { token } = await manager.create({ subject: 'u1' })
  const validate = vi.spyOn(manager, 'validate')
  const activity = createSocketActivity(manager, { token, policy: 'default' })
  return { manager, token, validate, activity }
}

describe('socket messages counted as activity (opt-in)', () => {
  it('records at most one activity per touchInterval, never renewing the token', async () => {
    const { manager, token, validate, activity } = await setup({
      idleTimeout: '15m',
      absoluteTimeout: '1h',
      touchInterval: '1m',
    })
    for (let i = 0; i < 100; i++) activity()
    await vi.advanceTimersByTimeAsync(0)
    expect(validate).toHaveBeenCalledTimes(1)
    expect(validate).toHaveBeenLastCalledWith(token, { activity: true, renew: false })
    await vi.advanceTimersByTimeAsync(59_999)
    activity()
    expect(validate).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1)
    activity()
    await vi.advanceTimersByTimeAsync(0)
    expect(validate).toHaveBeenCalledTimes(2)
    // The recorded activity moved the idle deadline.
    const status = await manager.validate(token, { activity: false })
    expect(status.ok && status.status.idleExpiresAt).toBe(START + 60_000 + 15 * 60_000)
  })

  it('with no touchInterval, still at most one store call a second', async () => {
    const { validate, activity } = await setup({
      idleTimeout: '15m',
      absoluteTimeout: '1h',
      touchInterval: 0,
    })
    for (let ms = 0; ms < 5_000; ms += 50) {
      activity()
      await vi.advanceTimersByTimeAsync(50)
    }
    expect(validate).toHaveBeenCalledTimes(5)
  })
})
