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

  it('sends exactly one command (EVALSHA) per check (active, passive or unknown), seen by commandstats and MONITOR', async () => {
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
    results.push(await manager.validate('x'.repeat(43))) // unknown
    expect(results.slice(0, checks).every((r) => r.ok)).toBe(true)
    expect(results.at(-1)).toMatchObject({ ok: false, reason: 'unknown' })
    expect(scriptCalls(await commandCalls(send))).toEqual({ evalsha: checks + 1 })
    await watch.flush(send)
    // INFO is the test's own; everything else on the wire came from the store.
    expect(watch.commands.filter((c) => c !== 'INFO')).toEqual(Array(checks + 1).fill('EVALSHA'))
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
    expect((await manager.validate(token)).ok).toBe(true)
    expect(scriptCalls(await commandCalls(send))).toEqual({ evalsha: 1, eval: 1 })
    expect((await manager.validate(token)).ok).toBe(true)
    expect(scriptCalls(await commandCalls(send))).toEqual({ evalsha: 2, eval: 1 })
    await watch.flush(send)
    expect(watch.commands.filter((c) => c !== 'INFO')).toEqual(['EVALSHA', 'EVAL', 'EVALSHA'])
  })
})
