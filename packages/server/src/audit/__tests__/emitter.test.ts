import { describe, expect, it } from 'vitest'
import { createSessionManager } from '../../manager/createSessionManager'
import { createAuditEmitter } from '../emitter'
import type { AuditEvent, AuditSink } from '../events'

const T = Date.UTC(2026, 0, 1)

/** A sink that delivers each event only when told to, as a network or batching sink does. */
function slowSink(): { sink: AuditSink; delivered: AuditEvent[]; release(): void } {
  const delivered: AuditEvent[] = []
  const waiting: Array<() => void> = []
  const sink: AuditSink = (event) =>
    new Promise<void>((resolve) => {
      waiting.push(() => {
        delivered.push(event)
        resolve()
      })
    })
  const release = (): void => {
    for (const deliver of waiting.splice(0)) deliver()
  }
  return { sink, delivered, release }
}

describe('audit emitter flush', () => {
  it('resolves only after every asynchronous delivery has settled, rejections included', async () => {
    const slow = slowSink()
    const errors: unknown[] = []
    const emit = createAuditEmitter({
      audit: [slow.sink, () => Promise.reject(new Error('sink down'))],
      onSinkError: (error) => void errors.push(error),
    })
    emit({ type: 'session.created', time: T })
    let flushed = false
    const flushing = emit.flush().then(() => {
      flushed = true
    })
    await Promise.resolve()
    await Promise.resolve()
    expect(flushed).toBe(false)
    slow.release()
    await flushing
    expect(slow.delivered).toHaveLength(1)
    expect(errors).toHaveLength(1)
  })

  it('calls the flush() of sinks that have one and reports a failing flush without rejecting', async () => {
    const calls: string[] = []
    const buffered = Object.assign((_event: AuditEvent) => {}, {
      flush: async () => void calls.push('buffered'),
    })
    const broken = Object.assign((_event: AuditEvent) => {}, {
      flush: () => {
        throw new Error('flush failed')
      },
    })
    const errors: unknown[] = []
    const emit = createAuditEmitter({ audit: [buffered, broken], onSinkError: (e) => void errors.push(e) })
    await expect(emit.flush()).resolves.toBeUndefined()
    expect(calls).toEqual(['buffered'])
    expect(errors).toHaveLength(1)
  })
})

describe('manager.close()', () => {
  it('flushes the audit sinks: events still in flight are delivered before close resolves', async () => {
    const slow = slowSink()
    const manager = createSessionManager({
      policy: { idleTimeout: '15m', absoluteTimeout: '1h' },
      now: () => T,
      audit: [slow.sink],
    })
    await manager.create({ subject: 'u1' })
    expect(slow.delivered).toEqual([])
    let closed = false
    const closing = manager.close().then(() => {
      closed = true
    })
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(closed).toBe(false)
    slow.release()
    await closing
    expect(slow.delivered.map((event) => event.type)).toEqual(['session.created'])
  })
})
