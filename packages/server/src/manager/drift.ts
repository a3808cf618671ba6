import type { AuditEvent, AuditMeta } from '../audit/events'

const PAIR_LIMIT = 1024

/**
 * Reports sessions (and tokens) minted under a policy fingerprint other than their tier's current one
 * as `policy.drift`, at most once per (from, to) pair per `interval` — a fleet-wide policy change must
 * produce a signal, not an event per request.
 */
export function createDriftReporter(options: {
  interval: number
  emit: (event: AuditEvent) => void
}): (input: {
  from: string
  to: string
  time: number
  session?: string | undefined
  subject?: string | undefined
  policy?: string | undefined
  meta?: AuditMeta | undefined
}) => void {
  const lastReported = new Map<string, number>()
  return (input) => {
    if (input.from === input.to) return
    const pair = `${input.from}\u0000${input.to}`
    const last = lastReported.get(pair)
    if (last !== undefined && input.time - last < options.interval && input.time >= last) return
    // Fingerprints come from stored records and tokens; bound the map even if they are hostile.
    if (last === undefined && lastReported.size >= PAIR_LIMIT) lastReported.clear()
    lastReported.set(pair, input.time)
    options.emit({
      type: 'policy.drift',
      time: input.time,
      ...(input.session === undefined ? {} : { session: input.session }),
      ...(input.subject === undefined ? {} : { subject: input.subject }),
      ...(input.policy === undefined ? {} : { policy: input.policy }),
      fingerprint: input.to,
      meta: { ...input.meta, fromFingerprint: input.from, toFingerprint: input.to },
    })
  }
}
