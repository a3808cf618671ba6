import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  type AuditSink,
  createSessionManager,
  jsonLinesSink,
  MemoryStore,
  type PolicyOption,
  RedisStore,
  type SessionManager,
  type SessionStore,
  type WatchedSession,
} from '@curfew/server'
import { createClient } from 'redis'

export const T0 = Date.UTC(2026, 2, 2, 9, 0, 0)
export const MIN = 60_000
export const POLICY = {
  idleTimeout: '15m',
  absoluteTimeout: '1h',
  warnBefore: '2m',
  touchInterval: '1m',
} as const
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'

/** One service: a manager writing a hash-chained evidence-grade log of its own (one process, one chain). */
interface Service {
  name: string
  manager: SessionManager
  sink: AuditSink
  lines: string[]
}

export interface GeneratedLogs {
  dir: string
  files: string[]
  policyFile: string
  /** Session handles by scenario. */
  handles: Record<'logout' | 'idle' | 'absolute' | 'cutoff' | 'revoked', string>
  cleanup: () => Promise<void>
}

/**
 * Watches a session for a long-lived connection of `transport`, as the socket adapters do; resolves
 * once the watch has fired (the manager has then audited the cut-off as `connection.closed`).
 */
function cutOff(manager: SessionManager, session: WatchedSession, transport: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ${transport} watch never fired`)), 10_000)
    manager.watch(
      session,
      () => {
        clearTimeout(timer)
        resolve()
      },
      { transport },
    )
  })
}

/** Waits until `count` clients subscribe to a Redis pub/sub channel. */
async function subscribers(redis: ReturnType<typeof createClient>, channel: string, count: number) {
  for (let attempt = 0; attempt < 500; attempt++) {
    const reply = (await redis.sendCommand(['PUBSUB', 'NUMSUB', channel])) as [string, number]
    if (Number(reply[1]) >= count) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error(`${channel} never had ${count} subscribers`)
}

/**
 * Runs real managers over one store (two "processes": two managers, two chains, two files) through
 * sign-in, activity, idle and absolute expiry, logout, an admin revoke, long-lived connection cut-offs,
 * and forwarded client events, with a clock the test drives. Writes the logs and a policy file.
 *
 * The cut-offs come from real watches (`manager.watch(session, onEnd, { transport })`, what the socket
 * adapters call): one ended by the idle expiry its own service finds, one on `api` ended by a revoke
 * on `web` — delivered by the store's fleet channel (Redis pub/sub on a RedisStore).
 */
export async function generateLogs(options: {
  store: 'memory' | 'redis'
  policy?: PolicyOption
  key?: string
}): Promise<GeneratedLogs> {
  let now = T0
  const clock = () => now
  const advance = (ms: number) => {
    now += ms
  }
  const redis = options.store === 'redis' ? createClient({ url: REDIS_URL }) : undefined
  const prefix = `curfew-audit-test:${randomUUID()}:`
  if (redis) {
    redis.on('error', () => {})
    await redis.connect()
  }
  const store: SessionStore = redis
    ? new RedisStore({ client: redis, prefix, now: clock })
    : new MemoryStore({ now: clock })
  const policy = options.policy ?? POLICY
  const service = (name: string): Service => {
    const lines: string[] = []
    const sink = jsonLinesSink(
      { write: (chunk: string) => lines.push(chunk) },
      { chain: { service: name, now: clock, ...(options.key ? { key: options.key } : {}) } },
    )
    const manager = createSessionManager({ policy, store, now: clock, audit: sink, auditActivity: true })
    return { name, manager, sink, lines }
  }
  const api = service('api')
  const web = service('web')

  // logout: activity on both services, then sign-out.
  const a = await api.manager.create({ subject: 'alice' })
  advance(5 * MIN)
  await web.manager.validate(a.token)
  void api.sink({ type: 'client.warning_shown', time: now, session: a.session.handle })
  advance(5 * MIN)
  await web.manager.validate(a.token)
  void api.sink({ type: 'client.extended', time: now, session: a.session.handle })
  advance(2 * MIN)
  await api.manager.revoke(a.token, 'logout')

  // idle: active for a while, then away longer than the idle timeout; the next request is refused.
  const b = await web.manager.create({ subject: 'bob' })
  advance(4 * MIN)
  await api.manager.validate(b.token)
  advance(20 * MIN)
  void web.sink({ type: 'client.expired', time: now, session: b.session.handle })
  await web.manager.validate(b.token)
  await api.manager.validate(b.token) // a late request: refused again, no second end event

  // absolute: active every 10 minutes across both services until the absolute lifetime is over.
  const c = await api.manager.create({ subject: 'carol' })
  for (let i = 0; i < 6; i++) {
    advance(10 * MIN)
    await (i % 2 ? api : web).manager.validate(c.token)
  }
  advance(1 * MIN)
  await web.manager.validate(c.token)

  // cut-off: a WebSocket watched on web, closed when web finds the session idle at its deadline.
  const d = await web.manager.create({ subject: 'dave' })
  advance(3 * MIN)
  const watched = await web.manager.validate(d.token)
  if (!watched.ok) throw new Error('dave should be signed in')
  const idleCut = cutOff(web.manager, watched.session, 'websocket')
  advance(watched.status.idleExpiresAt - now) // the idle deadline of the policy the services run
  await web.manager.validate(d.token)
  await idleCut

  // revoke: an admin ends frank's session on web; his SSE stream on api is cut off fleet-wide.
  const f = await api.manager.create({ subject: 'frank' })
  advance(2 * MIN)
  const streaming = await api.manager.validate(f.token)
  if (!streaming.ok) throw new Error('frank should be signed in')
  const revokeCut = cutOff(api.manager, streaming.session, 'sse')
  // A stream is open for a while before an admin acts: both services' fleet subscribers are in place
  // (a notice sent before a subscriber is ready is lost, and its re-check can only say `unknown`).
  if (redis) await subscribers(redis, `${prefix}ends`, 2)
  await web.manager.revoke(f.session.handle, 'revoked')
  await revokeCut

  // A passive status check on a live session writes nothing.
  const e = await api.manager.create({ subject: 'erin' })
  advance(1 * MIN)
  await web.manager.validate(e.token, { activity: false })

  const dir = await mkdtemp(join(tmpdir(), 'curfew-audit-'))
  const files = [join(dir, 'api.log'), join(dir, 'web.log')]
  await writeFile(files[0]!, api.lines.join(''))
  await writeFile(files[1]!, web.lines.join(''))
  const policyFile = join(dir, 'policy.json')
  await writeFile(policyFile, JSON.stringify(POLICY))
  await api.manager.close()
  await web.manager.close()
  return {
    dir,
    files,
    policyFile,
    handles: {
      logout: a.session.handle,
      idle: b.session.handle,
      absolute: c.session.handle,
      cutoff: d.session.handle,
      revoked: f.session.handle,
    },
    async cleanup() {
      await rm(dir, { recursive: true, force: true })
      if (redis) {
        const keys: string[] = []
        for await (const batch of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) keys.push(...batch)
        if (keys.length) await redis.del(keys)
        redis.destroy()
      }
    },
  }
}
