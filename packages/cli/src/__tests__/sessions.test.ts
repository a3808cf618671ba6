import type { AddressInfo } from 'node:net'
import { createServer, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../run'
import { captureIO, tempFile } from './helpers'
import { connectRedis, REDIS_URL, type TestRedis } from './redis'

const MINUTE = 60_000
const current = { idleTimeout: '15m', absoluteTimeout: '8h' } as const
const previous = { idleTimeout: '30m', absoluteTimeout: '12h' } as const

describe('curfew sessions', () => {
  let redis: TestRedis
  let policyFile: Awaited<ReturnType<typeof tempFile>>
  const handles: Record<string, string> = {}
  beforeAll(async () => {
    redis = await connectRedis()
    policyFile = await tempFile('policy.json', JSON.stringify(current))
    const now = redis.manager(current)
    const before = redis.manager(previous)
    // Minted under the previous policy 20 min ago and idle since: over the current 15 min.
    const idle = redis.manager(previous, 20 * MINUTE)
    handles.fresh = (await now.create({ subject: 'alice' })).session.handle
    handles.old = (await before.create({ subject: 'bob' })).session.handle
    handles.idle = (await idle.create({ subject: 'carol' })).session.handle
    const gone = await now.create({ subject: 'alice' })
    await now.revoke(gone.token)
  })
  afterAll(async () => {
    expect(await redis.cleanup()).toEqual([])
    await policyFile.cleanup()
  })

  const run = async (...args: string[]) => {
    const io = captureIO()
    const code = await runCli(['sessions', '--redis', REDIS_URL, '--prefix', redis.prefix, ...args], io)
    return { code, out: io.out.join('\n'), err: io.err.join('\n') }
  }

  it('lists every live session with its deadlines under the policy file, skipping ended ones', async () => {
    const { code, out } = await run('--policy', policyFile.path, '--json')
    expect(code).toBe(0)
    const report = JSON.parse(out)
    expect(report.scanned).toBe(3)
    const bySubject = Object.fromEntries(
      report.sessions.map((s: { subject: string; state: string; drift: string | null }) => [
        s.subject,
        `${s.state}/${s.drift}`,
      ]),
    )
    expect(bySubject).toEqual({ alice: 'active/null', bob: 'active/fingerprint', carol: 'expired/over_idle' })
    const alice = report.sessions.find((s: { subject: string }) => s.subject === 'alice')
    expect(alice.handle).toBe(handles.fresh)
    expect(alice.idleExpiresAt).toBe(alice.lastActivityAt + 15 * MINUTE)
    expect(alice.expiresAt).toBe(alice.idleExpiresAt)
    expect(alice.absoluteExpiresAt).toBe(alice.authTime + 8 * 60 * MINUTE)
  })

  it('prints a table, and says that deadlines need a policy file when none is given', async () => {
    const { code, out } = await run()
    expect(code).toBe(0)
    expect(out).toContain(handles.old)
    expect(out).toContain('3 live sessions read')
    expect(out).toContain('deadlines need --policy')
    const withPolicy = await run('--policy', policyFile.path)
    expect(withPolicy.out).toMatch(/alice .*\(in (14m|15m|\d+s)\)\s+idle\s+active/)
  })

  it('lists one subject with --subject', async () => {
    const { out } = await run('--subject', 'bob', '--json')
    expect(JSON.parse(out).sessions.map((s: { handle: string }) => s.handle)).toEqual([handles.old])
  })

  it('with --drift lists only the drifted sessions and exits 1; exits 0 once they are fixed', async () => {
    const drifted = await run('--drift', '--policy', policyFile.path, '--json')
    expect(drifted.code).toBe(1)
    const report = JSON.parse(drifted.out)
    expect(report.sessions.map((s: { handle: string }) => s.handle).sort()).toEqual(
      [handles.old, handles.idle].sort(),
    )
    expect(report.byReason).toEqual({ fingerprint: 1, unknown_policy: 0, over_idle: 1, over_absolute: 0 })
    const fix = await redis.manager(current).findDrift({ fix: true })
    expect(fix.fixed).toBe(2)
    const clean = await run('--drift', '--policy', policyFile.path)
    expect(clean.code).toBe(0)
    expect(clean.out).toContain('1 live sessions read, 0 listed')
  })

  it('exits 3 with a clear message when Redis cannot be reached, within the timeout', async () => {
    const io = captureIO()
    const code = await runCli(
      ['sessions', '--redis', 'redis://:hunter2@127.0.0.1:1', '--timeout', '2000'],
      io,
    )
    expect(code).toBe(3)
    expect(io.err.join('\n')).toMatch(/Cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/)
    expect(io.err.join('\n')).not.toContain('hunter2')
  })

  it('shows a session capped by its own notAfter (an IdP session lifetime) with that earlier absolute deadline', async () => {
    const manager = redis.manager(current)
    const notAfter = Date.now() + 60 * MINUTE
    const { session, token } = await manager.create({ subject: 'dave', notAfter })
    try {
      const { code, out } = await run('--policy', policyFile.path, '--subject', 'dave', '--json')
      expect(code).toBe(0)
      const [dave] = JSON.parse(out).sessions
      expect(dave.handle).toBe(session.handle)
      // The policy alone would say authTime + 8 h.
      expect(dave.absoluteExpiresAt).toBe(notAfter)
    } finally {
      await manager.revoke(token)
    }
  })

  it('exits 3 within the timeout when a server accepts the connection but never answers', async () => {
    const sockets: Socket[] = []
    const silent = createServer((socket) => {
      sockets.push(socket)
    })
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as AddressInfo
    const io = captureIO()
    const code = await runCli(['sessions', '--redis', `redis://127.0.0.1:${port}`, '--timeout', '300'], io)
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => silent.close(resolve))
    expect(code).toBe(3)
    expect(io.err.join('\n')).toContain(`Redis at redis://127.0.0.1:${port}`)
  })

  it('exits 2 for bad usage: no --redis, a non-Redis URL, --drift without --policy', async () => {
    const io = captureIO()
    expect(await runCli(['sessions'], io)).toBe(2)
    expect(await runCli(['sessions', '--redis', 'http://127.0.0.1:6379'], io)).toBe(2)
    expect(await runCli(['sessions', '--redis', REDIS_URL, '--drift'], io)).toBe(2)
    expect(io.err).toEqual([
      'curfew: curfew sessions needs --redis <url>',
      expect.stringContaining('must be a redis:// or rediss:// URL'),
      expect.stringContaining('--drift needs --policy <file>'),
    ])
  })
})
