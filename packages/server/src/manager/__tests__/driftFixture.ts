import type { AuditEvent } from '../../audit/events'
import { MemoryStore } from '../../stores/memory/memoryStore'
import type { SessionStore } from '../../stores/types'
import { createSessionManager } from '../createSessionManager'
import { HOUR, MINUTE, START } from './helpers'

/**
 * A deploy that tightened the policy (idle 30m → 15m, absolute 12h → 8h) and dropped the `legacy` tier,
 * over one store: sessions minted before the deploy stay in the store until something judges them.
 */
export function deploy(
  makeStore: (now: () => number) => SessionStore = (now) => new MemoryStore({ now, sweepInterval: 0 }),
) {
  const clock = { t: START }
  const now = () => clock.t
  const store = makeStore(now)
  const events: AuditEvent[] = []
  const before = createSessionManager({
    policies: {
      default: { idleTimeout: '30m', absoluteTimeout: '12h' },
      legacy: { idleTimeout: '30m', absoluteTimeout: '12h' },
    },
    store,
    now,
  })
  const after = createSessionManager({
    policy: { idleTimeout: '15m', absoluteTimeout: '8h' },
    store,
    now,
    audit: (e) => {
      events.push(e)
    },
  })
  return { clock, store, before, after, events }
}

export async function population(ctx: ReturnType<typeof deploy>) {
  const { clock, before, after } = ctx
  const idle = await before.create({ subject: 'idle' }) // will be 20 min idle
  const absolute = await before.create({ subject: 'old-login', authTime: START - 9 * HOUR + 20 * MINUTE })
  clock.t += 20 * MINUTE
  const recent = await before.create({ subject: 'recent' }) // within every limit: fingerprint only
  const legacy = await before.create({ subject: 'legacy', policy: 'legacy' })
  const current = await after.create({ subject: 'current' })
  await before.validate(absolute.token) // keeps it active: only its absolute deadline is over
  return { idle, absolute, recent, legacy, current }
}
