// One Curfew service in a process of its own (bundled from source and forked by processLogs.test.ts):
// a manager over a RedisStore shared with the other processes, writing its own hash-chained,
// evidence-grade audit log to a file. The parent drives it over IPC and sets the clock for each step,
// so every process agrees on the time without sleeping.
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import {
  createSessionManager,
  type EndNoticeChannel,
  jsonLinesSink,
  RedisStore,
  type WatchedSession,
} from '@curfew/server'
import { createClient } from 'redis'

interface Step {
  id: number
  now: number
  op: 'tick' | 'create' | 'validate' | 'revoke' | 'watch' | 'settle' | 'close'
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

// The one piece of work no step starts: once a watch's subscriber is ready, the manager re-reads the
// watched sessions from the store. A read in flight across a step is judged at the old time but answered
// at the new one — the manager then learns the jump as an offset of the store's clock and stamps the
// cut-off 15 minutes early — and a read landing between a revoke elsewhere and its notice ends the watch
// with reason "unknown". So the store's calls are tracked, and `settle` answers once the subscriber is
// ready and no call is in flight; the parent settles a process after `watch`, before the next step.
const storeCalls = new Set<Promise<unknown>>()
let subscribed: Promise<void> | undefined
function readiness(channel: EndNoticeChannel | undefined): EndNoticeChannel | undefined {
  if (!channel) return undefined
  return {
    publish: (notice) => channel.publish(notice),
    subscribe(listener) {
      let ready!: () => void
      subscribed = new Promise((resolve) => {
        ready = resolve
      })
      return channel.subscribe({
        onNotice: (notice) => listener.onNotice(notice),
        onReady: () => {
          listener.onReady() // starts the re-read: its store call is tracked before this returns
          ready()
        },
      })
    },
  }
}
const store = new Proxy(new RedisStore({ client: redis, prefix: PREFIX!, now: () => now }), {
  get(target, key) {
    const value: unknown = Reflect.get(target, key, target)
    if (typeof value !== 'function') return value
    if (key === 'endNotices') return () => readiness(value.call(target))
    return (...args: unknown[]) => {
      const result: unknown = value.apply(target, args)
      if (result instanceof Promise) {
        storeCalls.add(result)
        const done = () => storeCalls.delete(result)
        result.then(done, done)
      }
      return result
    }
  },
})
const manager = createSessionManager({
  policy: JSON.parse(POLICY!),
  store,
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
    case 'settle':
      await subscribed
      while (storeCalls.size > 0) {
        await Promise.allSettled([...storeCalls])
        // Let what awaited them (the re-read's verdict) run before looking again.
        await new Promise((resolve) => setImmediate(resolve))
      }
      return reply(step.id, 'settled')
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
