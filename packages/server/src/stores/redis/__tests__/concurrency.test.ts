import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEvent } from '../../../audit/events'
import { createSessionManager } from '../../../manager/createSessionManager'
import type { SessionManager, ValidateResult } from '../../../types'
import { RedisStore } from '../redisStore'
import { connectIoRedis, connectNodeRedis, deletePrefix, uniquePrefix } from './helpers'

const MINUTE = 60_000
// touchInterval 0: every validation that moves time forward writes its activity.
const policy = { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: 0 }
const N = 1000

let nodeRedis: Awaited<ReturnType<typeof connectNodeRedis>>
let ioredis: Awaited<ReturnType<typeof connectIoRedis>>
const prefix = uniquePrefix()
beforeAll(async () => {
  nodeRedis = await connectNodeRedis()
  ioredis = await connectIoRedis()
})
afterAll(async () => {
  await deletePrefix(nodeRedis.client, prefix)
  nodeRedis.close()
  ioredis.close()
})

function activityOf(result: ValidateResult): number {
  if (!result.ok) throw new Error(`validation failed: ${result.reason}`)
  return result.session.lastActivityAt
}

/** Activity in the order one manager received its answers (one connection answers in order). */
function neverBackwards(results: ValidateResult[]): boolean {
  const times = results.map(activityOf)
  return times.every((t, i) => i === 0 || t >= times[i - 1]!)
}

/**
 * Managers sharing one Redis through two different clients (node-redis and ioredis). The stores share a
 * test clock that moves one millisecond per reading, so every check carries a distinct time and checks
 * sent on the two connections reach Redis out of time order.
 */
/**
 * These tests are about atomicity, not latency: on a loaded 2-core machine 1,000 concurrent calls can
 * queue past the default 2 s store timeout, which would fail them for the wrong reason.
 */
const LOADED_MACHINE_TIMEOUT = 30_000

function fleet(count: 1 | 2) {
  const clock = { t: Date.now() }
  const tick = () => ++clock.t
  const events: AuditEvent[] = []
  const audit = (event: AuditEvent) => {
    events.push(event)
  }
  const managers: SessionManager[] = [nodeRedis.client, ioredis.client].slice(0, count).map((client) =>
    createSessionManager({
      policy,
      audit,
      store: new RedisStore({ client, prefix, now: tick }),
      storeTimeout: LOADED_MACHINE_TIMEOUT,
    }),
  )
  return { clock, events, managers }
}

describe.each([1, 2] as const)('%i manager(s) on one Redis', (count) => {
  it(`loses none of ${N} concurrent validations with activity and never moves activity backwards`, async () => {
    const { clock, managers } = fleet(count)
    const { token } = await managers[0]!.create({ subject: 'u1' })
    const perManager: ValidateResult[][] = managers.map(() => [])
    await Promise.all(
      Array.from({ length: N }, async (_, i) => {
        const manager = managers[i % managers.length]!
        const result = await manager.validate(token)
        perManager[i % managers.length]!.push(result)
      }),
    )
    const lastIssued = clock.t
    for (const results of perManager) {
      expect(results.filter((r) => !r.ok).slice(0, 3)).toEqual([])
      expect(neverBackwards(results)).toBe(true)
    }
    // The latest check always writes; nothing older can overwrite it afterwards.
    const final = await managers[0]!.validate(token, { activity: false })
    expect(activityOf(final)).toBe(lastIssued)
  })

  it(`audits exactly one session.expired when ${N} concurrent validations find it ended`, async () => {
    const { clock, events, managers } = fleet(count)
    const { token } = await managers[0]!.create({ subject: 'u1' })
    await Promise.all(Array.from({ length: 100 }, (_, i) => managers[i % managers.length]!.validate(token)))
    clock.t += 16 * MINUTE
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => managers[i % managers.length]!.validate(token)),
    )
    expect(results.every((r) => !r.ok && r.reason === 'idle')).toBe(true)
    expect(events.filter((e) => e.type === 'session.expired')).toHaveLength(1)
    expect(events.filter((e) => e.type === 'session.rejected')).toHaveLength(N - 1)
  })
})

it(`keeps ${N} concurrent validations on Redis's own clock (TIME) consistent`, async () => {
  const manager = createSessionManager({
    policy,
    store: new RedisStore({ client: nodeRedis.client, prefix }),
    storeTimeout: LOADED_MACHINE_TIMEOUT,
  })
  const { token, status } = await manager.create({ subject: 'u1' })
  const results: ValidateResult[] = []
  await Promise.all(
    Array.from({ length: N }, async () => {
      results.push(await manager.validate(token))
    }),
  )
  expect(results.every((r) => r.ok)).toBe(true)
  expect(neverBackwards(results)).toBe(true)
  expect(activityOf(results.at(-1)!)).toBeGreaterThanOrEqual(status.serverTime)
})
