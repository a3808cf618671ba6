import { spareRedis } from '@curfew/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessionManager } from '../../../manager/createSessionManager'
import { RedisStore } from '../redisStore'
import { clients, connectNodeRedis, uniquePrefix } from './helpers'
import { monitor } from './monitor'

const policy = { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: 0, renewEvery: '10m' }

/** Calls per command since the last `CONFIG RESETSTAT`, from `INFO commandstats`. */
async function commandCalls(send: (args: string[]) => Promise<unknown>): Promise<Record<string, number>> {
  const info = String(await send(['INFO', 'commandstats']))
  const calls: Record<string, number> = {}
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[match[1]!] = Number(match[2])
  return calls
}

/** The script entry points among the counted calls (commandstats also counts the script's inner calls). */
function scriptCalls(calls: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(calls).filter(([name]) => name === 'eval' || name === 'evalsha'))
}

// A private redis-server, so the shared Redis's other traffic cannot blur the command counts.
let spare: Awaited<ReturnType<typeof spareRedis>>
let admin: Awaited<ReturnType<typeof connectNodeRedis>>
let watch: Awaited<ReturnType<typeof monitor>>
beforeAll(async () => {
  spare = await spareRedis()
  admin = await connectNodeRedis(spare.url)
  watch = await monitor(spare.port)
})
afterAll(async () => {
  watch?.close()
  admin?.close()
  await spare?.stop()
})

describe.each(clients)('RedisStore round trips (%s)', (_name, connect) => {
  let connection: Awaited<ReturnType<typeof connect>>
  beforeAll(async () => {
    connection = await connect(spare.url)
  })
  afterAll(() => connection.close())
  const send = (args: string[]) => admin.client.sendCommand(args)

  it('sends exactly one command per check: GET when it writes nothing, else EVALSHA (MONITOR and commandstats)', async () => {
    const manager = createSessionManager({
      policy,
      store: new RedisStore({ client: connection.client, prefix: uniquePrefix() }),
    })
    const sessions = await Promise.all(
      Array.from({ length: 10 }, (_, i) => manager.create({ subject: `u${i}` })),
    )
    await send(['CONFIG', 'RESETSTAT'])
    await watch.flush(send)
    watch.reset()
    const checks = 200
    const results = []
    for (let i = 0; i < checks; i++) {
      const { token } = sessions[i % sessions.length]!
      results.push(await manager.validate(token, { activity: i % 3 !== 0 }))
    }
    const passive = Math.ceil(checks / 3)
    results.push(await manager.validate(`${sessions[0]!.session.handle}.${'x'.repeat(43)}`)) // unknown
    expect(results.slice(0, checks).every((r) => r.ok)).toBe(true)
    expect(results.at(-1)).toMatchObject({ ok: false, reason: 'unknown' })
    // touchInterval 0: every activity check writes (script); every passive check is a plain read; an
    // id this process never saw goes to the script.
    expect(scriptCalls(await commandCalls(send))).toEqual({ evalsha: checks - passive + 1 })
    await watch.flush(send)
    // INFO is the test's own; everything else on the wire came from the store, one command per check.
    const wire = watch.commands.filter((c) => c !== 'INFO')
    expect(wire).toHaveLength(checks + 1)
    expect(wire.filter((c) => c === 'GET')).toHaveLength(passive)
    expect(wire.filter((c) => c === 'EVALSHA')).toHaveLength(checks - passive + 1)
  })

  it('reads with one GET when activity falls inside touchInterval', async () => {
    const manager = createSessionManager({
      policy: { ...policy, touchInterval: '1m' },
      store: new RedisStore({ client: connection.client, prefix: uniquePrefix() }),
    })
    const { token } = await manager.create({ subject: 'reader' })
    await watch.flush(send)
    watch.reset()
    for (let i = 0; i < 20; i++) expect((await manager.validate(token)).ok).toBe(true)
    await watch.flush(send)
    expect(watch.commands.filter((c) => c !== 'INFO')).toEqual(Array(20).fill('GET'))
  })

  it('falls back to EVAL once after SCRIPT FLUSH, then runs EVALSHA again', async () => {
    const manager = createSessionManager({
      policy,
      store: new RedisStore({ client: connection.client, prefix: uniquePrefix() }),
    })
    const { token } = await manager.create({ subject: 'u1' })
    await send(['SCRIPT', 'FLUSH'])
    await send(['CONFIG', 'RESETSTAT'])
    await watch.flush(send)
    watch.reset()
    // Activity with touchInterval 0 always writes, so both checks run the script.
    expect((await manager.validate(token)).ok).toBe(true)
    expect(scriptCalls(await commandCalls(send))).toEqual({ evalsha: 1, eval: 1 })
    expect((await manager.validate(token)).ok).toBe(true)
    expect(scriptCalls(await commandCalls(send))).toEqual({ evalsha: 2, eval: 1 })
    await watch.flush(send)
    expect(watch.commands.filter((c) => c !== 'INFO')).toEqual(['EVALSHA', 'EVAL', 'EVALSHA'])
  })
})
