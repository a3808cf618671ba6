import type { AuditEvent } from '../../audit/events'
import { createSessionManager } from '../createSessionManager'
import type { SessionManagerOptions } from '../options'

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
export const START = Date.UTC(2026, 0, 1)

/** A manager on a hand-driven clock, with its audit events collected. */
export function setup(options: Partial<SessionManagerOptions> = {}) {
  const clock = { t: START }
  const events: AuditEvent[] = []
  const manager = createSessionManager({
    policy: { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: '1m' },
    now: () => clock.t,
    audit: (event) => {
      events.push(event)
    },
    ...options,
  })
  const advance = (ms: number) => {
    clock.t += ms
  }
  const eventsOf = (type: AuditEvent['type']) => events.filter((e) => e.type === type)
  return { manager, clock, events, advance, eventsOf }
}
