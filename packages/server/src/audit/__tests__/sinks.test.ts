import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createSessionManager } from '../../manager/createSessionManager'
import type { AuditEvent } from '../events'
import { functionSink, jsonLinesSink } from '../sinks'

const T = Date.UTC(2026, 0, 1)

function collect(): { stream: Writable; lines: () => string[] } {
  let text = ''
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk)
      done()
    },
  })
  return { stream, lines: () => text.split('\n').filter(Boolean) }
}

describe('audit sinks', () => {
  it('writes one pino-compatible JSON object per line, without the token', async () => {
    const { stream, lines } = collect()
    const seen: AuditEvent[] = []
    const manager = createSessionManager({
      policy: { idleTimeout: '15m', absoluteTimeout: '1h' },
      now: () => T,
      audit: [jsonLinesSink(stream), functionSink((e) => void seen.push(e))],
    })
    const { token, session } = await manager.create({ subject: 'u1', meta: { ip: '127.0.0.1' } })
    await manager.revoke(token, 'logout')
    const parsed = lines().map((line) => JSON.parse(line))
    expect(parsed).toHaveLength(2)
    expect(parsed[0]).toMatchObject({
      level: 30,
      time: T,
      msg: 'session.created',
      type: 'session.created',
      session: session.handle,
      subject: 'u1',
      policy: 'default',
      fingerprint: manager.defaultPolicy.fingerprint,
      meta: { ip: '127.0.0.1' },
    })
    expect(parsed[1]).toMatchObject({ msg: 'session.revoked', reason: 'logout' })
    expect(lines().join('\n')).not.toContain(token)
    expect(seen.map((e) => e.type)).toEqual(['session.created', 'session.revoked'])
  })

  it('survives a stream that errors', () => {
    const broken = new Writable({
      write(_chunk, _enc, done) {
        done(new Error('disk full'))
      },
    })
    const sink = jsonLinesSink(broken)
    expect(() => sink({ type: 'store.unavailable', time: T })).not.toThrow()
  })
})
