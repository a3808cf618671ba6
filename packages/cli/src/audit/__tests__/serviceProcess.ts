// One Curfew service in a process of its own (bundled from source and forked by processLogs.test.ts):
// a manager over a RedisStore shared with the other processes, writing its own hash-chained,
// evidence-grade audit log to a file. The parent drives it over IPC and sets the clock for each step,
// so every process agrees on the time without sleeping.
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { createSessionManager, jsonLinesSink, RedisStore, type WatchedSession } from '@curfew/server'
import { createClient } from 'redis'

interface Step {
  id: number
  now: number
  op: 'tick' | 'create' | 'validate' | 'revoke' | 'watch' | 'close'
  subject?: string
  token?: string
  handle?: string
  activity?: boolean
  transport?: string
  session?: WatchedSession
}

const { REDIS_URL, PREFIX, SERVICE, LOG, POLICY } = process.env as Record<string, string>
let now = 0
const redis = createClient({ url: REDIS_URL })
redis.on('error', () => {})
await redis.connect()
const file = createWriteStream(LOG!, { flags: 'a' })
const manager = createSessionManager({
  policy: JSON.parse(POLICY!),
  store: new RedisStore({ client: redis, prefix: PREFIX!, now: () => now }),
  now: () => now,
  auditActivity: true,
  audit: jsonLinesSink(file, { chain: { service: SERVICE!, now: () => now } }),
})
const reply = (id: number, value: unknown) => process.send!({ id, value })

process.on('message', async (step: Step) => {
  now = step.now
  switch (step.op) {
    case 'tick':
      return reply(step.id, now)
    case 'create': {
      const { token, session } = await manager.create({ subject: step.subject! })
      return reply(step.id, { token, session })
    }
    case 'validate': {
      const result = await manager.validate(step.token!, { activity: step.activity !== false })
      return reply(step.id, result.ok ? { ok: true, session: result.session } : { ok: false })
    }
    case 'revoke':
      return reply(step.id, await manager.revoke(step.handle!, 'revoked'))
    case 'watch':
      // Answers when the watch fires (its cut-off is then in this process's log).
      manager.watch(step.session!, () => reply(step.id, 'closed'), { transport: step.transport! })
      return
    case 'close':
      await manager.close()
      file.end()
      await once(file, 'finish')
      redis.destroy()
      reply(step.id, process.pid)
      process.disconnect()
  }
})
process.send!({ id: 0, value: 'ready' })
