import { spareRedis } from '@curfew/testing'
import { afterEach, describe, expect, it } from 'vitest'
import { createSessionManager } from '../../../manager/createSessionManager'
import { commandSender } from '../client'
import { RedisClockSample } from '../clock'
import { RedisStore } from '../redisStore'
import { connectIoRedis, uniquePrefix } from './helpers'

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Keeps Redis busy (its event loop blocked) for `ms`, by Redis's own clock. */
const BUSY = `local t = redis.call('TIME')
local stop = t[1] * 1000000 + t[2] + ARGV[1] * 1000
repeat local n = redis.call('TIME') until n[1] * 1000000 + n[2] >= stop
return 1`

describe('Redis clock sample', () => {
  it('bounds Redis time from both sides by the round trip of the sample, whenever in it Redis read its clock', () => {
    let local = 0
    const clock = new RedisClockSample({ local: () => local })
    // Sent at local 0, answered at local 50: Redis read 1000 at some instant of those 50 ms.
    clock.record(1000, 0, 50)
    local = 80
    for (const readAt of [0, 25, 50]) {
      const redisNow = 1000 + (local - readAt)
      expect(clock.lowerBound()).toBeLessThanOrEqual(redisNow)
      expect(clock.upperBound()).toBeGreaterThanOrEqual(redisNow)
    }
    expect(clock.lowerBound()).toBe(1029)
    expect(clock.upperBound()).toBe(1081)
  })

  it("never reports a now ahead of Redis's clock from a plain read, though it judges at the upper bound (a watch fails closed by it)", async () => {
    const spare = await spareRedis()
    const conn = await connectIoRedis(spare.url)
    const admin = await connectIoRedis(spare.url)
    cleanups.push(async () => {
      conn.close()
      admin.close()
      await spare.dispose()
    })
    const send = commandSender(admin.client)
    const manager = createSessionManager({
      policy: { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: 0 },
      store: new RedisStore({ client: conn.client, prefix: uniquePrefix() }),
    })
    cleanups.push(() => manager.close())
    // The store's first clock sample is the create script, queued behind 200 ms of busy Redis: it reads
    // TIME at the end of a round trip of 200 ms or so (the sample's error).
    const busy = send(['EVAL', BUSY, '0', '200'])
    await new Promise((resolve) => setTimeout(resolve, 50))
    const sentAt = performance.now()
    const { token } = await manager.create({ subject: 'u1' })
    const roundTrip = performance.now() - sentAt
    await busy
    // A passive check is a plain GET, judged against the sample; the manager's clock follows its `now`.
    expect(await manager.validate(token, { activity: false })).toMatchObject({ ok: true })
    const managerNow = manager.now()
    const [seconds, micros] = (await send(['TIME'])) as [string, string]
    const redisAfter = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)
    console.log(
      `clock sample round trip ${Math.round(roundTrip)} ms; manager clock ${managerNow - redisAfter} ms against Redis TIME read after it`,
    )
    // Read before TIME, the manager's clock must not be past it (2 ms: both clocks count whole ms).
    // Reporting the upper bound put it ahead by most of the busy time.
    expect(managerNow).toBeLessThanOrEqual(redisAfter + 2)
  })
})
