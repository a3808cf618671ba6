// A chained evidence-grade audit log of `events` events, written as a Curfew service writes it: many
// sessions at once, activity every few tens of seconds, ends by logout and by idle expiry.

import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { createAuditChain } from '@curfew/server'

const T0 = Date.UTC(2026, 2, 2, 8, 0, 0)
const IDLE = 15 * 60_000

export async function generateLog({ path, events, fingerprint }) {
  const out = createWriteStream(path)
  const chain = createAuditChain({ service: 'bench', now: () => T0 })
  let buffer = `${chain.head}\n`
  let written = 1
  const emit = async (event) => {
    buffer += `${chain.link(JSON.stringify({ level: 30, time: event.time, msg: event.type, ...event }))}\n`
    written += 1
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain')
      buffer = ''
    }
  }
  let t = T0
  let next = 0
  const live = []
  const idleQueue = [] // sessions left to expire, in time order (all with the same timeout)
  while (written < events) {
    t += 20
    while (idleQueue.length && idleQueue[0].at <= t && written < events) {
      const s = idleQueue.shift()
      await emit({
        type: 'session.expired',
        time: s.at,
        session: s.handle,
        policy: 'default',
        fingerprint,
        reason: 'idle',
      })
    }
    if (live.length < 2000) {
      const handle = `s_${(next++).toString(36).padStart(16, '0')}`
      live.push({ handle, left: 5 + (next % 60) })
      await emit({
        type: 'session.created',
        time: t,
        session: handle,
        subject: `p_${next}`,
        policy: 'default',
        fingerprint,
        authTime: t,
        evidence: true,
      })
      continue
    }
    const i = (t / 20) % live.length
    const s = live[i]
    if (--s.left > 0) {
      await emit({ type: 'session.activity', time: t, session: s.handle, policy: 'default', fingerprint })
      continue
    }
    live[i] = live[live.length - 1]
    live.pop()
    if (s.handle.charCodeAt(s.handle.length - 1) % 3 === 0) idleQueue.push({ handle: s.handle, at: t + IDLE })
    else
      await emit({
        type: 'session.revoked',
        time: t,
        session: s.handle,
        policy: 'default',
        fingerprint,
        reason: 'logout',
      })
  }
  out.end(buffer)
  await once(out, 'finish')
  return { events: written }
}
