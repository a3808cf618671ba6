import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spareRedis } from '@curfew/testing'
import { build } from 'esbuild'
import { afterEach, describe, expect, it } from 'vitest'
import { createSessionManager } from '../../../manager/createSessionManager'
import { connectIoRedis, deletePrefix, uniquePrefix } from '../../../stores/redis/__tests__/helpers'
import { commandSender } from '../../../stores/redis/client'
import { RedisStore } from '../../../stores/redis/redisStore'
import { openSocket, startApp } from './harness'

const here = dirname(fileURLToPath(import.meta.url))
const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Server B in its own process: the child bundled from source (workspace packages inlined). */
async function startChild(env: Record<string, string>): Promise<{ port: number; child: ChildProcess }> {
  const outfile = join(here, '../../../../node_modules/.cache/curfew-ws-fleet-child.mjs')
  await mkdir(dirname(outfile), { recursive: true })
  await build({
    entryPoints: [join(here, 'fleetChild.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    conditions: ['@curfew/source'],
    external: ['ws', 'ioredis', 'redis', 'express', 'fastify'],
    logLevel: 'error',
  })
  const child = spawn(process.execPath, [outfile], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  cleanups.push(() => {
    child.kill('SIGKILL')
  })
  const [line] = (await once(child.stdout!, 'data')) as [Buffer]
  return { port: Number(String(line).trim()), child }
}

describe('@curfew/server/ws across a fleet', () => {
  it('closes a socket held by server B (another process) on a revoke on server A, through the fleet channel', async () => {
    const prefix = uniquePrefix()
    const { port } = await startChild({ CURFEW_PREFIX: prefix })
    const conn = await connectIoRedis()
    const a = createSessionManager({
      policy: { idleTimeout: '1m', absoluteTimeout: '1h' },
      store: new RedisStore({ client: conn.client, prefix }),
    })
    cleanups.push(async () => {
      await a.close()
      await deletePrefix(conn.client, prefix)
      conn.close()
    })
    const { token } = await a.create({ subject: 'u1' })
    const socket = await openSocket(`ws://127.0.0.1:${port}/live`, { cookie: `curfew_session=${token}` })
    // B subscribes with its first watch; wait for that before revoking so the notice is what closes it.
    const send = commandSender(conn.client)
    while (Number(((await send(['PUBSUB', 'NUMSUB', `${prefix}ends`])) as [string, number])[1]) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    const revokedAt = Date.now()
    await a.revoke(token)
    const closed = await socket.closed
    // Only the end notice can close it with "revoked": B's own timer is set for the idle deadline a
    // minute away. How long the notice took is a figure (bench --only=live), not a bound asserted here.
    expect(closed).toMatchObject({ code: 4401, reason: 'revoked' })
    console.log(`fleet end notice: socket on B closed ${closed.at - revokedAt} ms after the revoke on A`)
  })

  it.each([
    ['stays down through the deadline', false],
    ['restarts while the sockets are open', true],
  ])('leaves no socket open past its deadline when Redis %s', async (_name, restart) => {
    const spare = await spareRedis({ persist: true })
    const conn = await connectIoRedis(spare.url)
    const prefix = uniquePrefix()
    const manager = createSessionManager({
      policy: { idleTimeout: '2s', absoluteTimeout: '1m', touchInterval: 0 },
      store: new RedisStore({ client: conn.client, prefix }),
    })
    const app = await startApp(manager)
    cleanups.push(async () => {
      await app.close()
      await manager.close()
      conn.close()
      await spare.dispose()
    })
    const sessions = [await app.login(), await app.login()]
    const sockets = await Promise.all(sessions.map(({ cookie }) => openSocket(app.wsUrl, { cookie })))
    const send = commandSender(conn.client)
    while (Number(((await send(['PUBSUB', 'NUMSUB', `${prefix}ends`])) as [string, number])[1]) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    await spare.stop()
    if (restart) await spare.start()
    const closes = await Promise.all(sockets.map((socket) => socket.closed))
    // Nothing but the watch closes with 4401 "idle", and not before the deadline: down, the store read
    // at the deadline fails and the watch fails closed; back (the sessions persisted), the read finds
    // them idle. Either way the socket's own deadline closed it; how late is printed, not asserted.
    // The deadline is on Redis's clock (TIME) and `closed.at` on this machine's: one clock, the spare
    // redis-server runs here. The manager's clock must not run ahead of Redis's (a plain read reports
    // the lower bound of its sample, see stores/redis/__tests__/clock.test.ts), or this close is early.
    for (const [i, closed] of closes.entries()) {
      expect(closed).toMatchObject({ code: 4401, reason: 'idle' })
      expect(closed.at).toBeGreaterThanOrEqual(sessions[i]!.status.idleExpiresAt)
      console.log(
        `Redis ${restart ? 'restarted' : 'down'}: socket closed ${closed.at - sessions[i]!.status.idleExpiresAt} ms after its idle deadline`,
      )
    }
  })
})
