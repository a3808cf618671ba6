import type { StatedPolicy } from '../policyFile'
import type { AuditLine, SessionStory } from './enforcement'

const BINS = 40
const BUCKETS = 40
// Raw samples kept for the histograms; beyond this, a reservoir keeps a uniform sample (bounded memory).
const MAX_SAMPLES = 50_000

/** What the HTML report charts, all small arrays (a 1 GB log gives the same size of report). */
export interface ReportStats {
  sessionLengths: { binMinutes: number[]; counts: number[]; capsMinutes: number[] }
  idleGaps: { binMinutes: number[]; accepted: number[]; beforeIdleExpiry: number[]; idleMinutes: number[] }
  endReasons: { buckets: number[]; reasons: string[]; counts: number[][] }
  client: { buckets: number[]; shown: number[]; extended: number[]; expired: number[]; total: number }
  services: {
    names: string[]
    created: number[]
    activity: number[]
    idle: number[]
    absolute: number[]
    revoked: number[]
    cutoffs: number[]
    fingerprints: { service: string; policy: string; fingerprint: string; matches: boolean }[]
  }
  span: { from: number; to: number }
}

function reservoir() {
  const samples: number[] = []
  let seen = 0
  return {
    samples,
    add(value: number) {
      seen += 1
      if (samples.length < MAX_SAMPLES) samples.push(value)
      else {
        const slot = Math.floor(Math.random() * seen)
        if (slot < MAX_SAMPLES) samples[slot] = value
      }
    },
  }
}

function histogram(values: readonly number[], max: number): { bins: number[]; counts: number[] } {
  const width = max / BINS
  const counts = new Array<number>(BINS + 1).fill(0)
  for (const v of values) counts[Math.min(BINS, Math.max(0, Math.floor(v / width)))]! += 1
  return { bins: counts.map((_, i) => (i * width) / 60_000), counts }
}

/**
 * Collects the report's statistics while `verifyAuditLogs` streams the logs: feed it every line
 * (`onLine`) and every finished session (`onSessionDone`), then call `finish`.
 */
export function createReportStats(policies: readonly StatedPolicy[]) {
  const lengths = reservoir()
  const gaps = reservoir()
  const endGaps = reservoir()
  const ends: { time: number; reason: string }[] = []
  const clientEvents = reservoir()
  const perService = new Map<string, Record<string, number>>()
  const fingerprints = new Map<string, { service: string; policy: string; fingerprint: string }>()
  let from = Number.POSITIVE_INFINITY
  let to = Number.NEGATIVE_INFINITY
  let clientTotal = 0
  const kinds: Record<string, number> = {
    'client.warning_shown': 0,
    'client.extended': 1,
    'client.expired': 2,
  }

  function onLine(line: AuditLine, service: string) {
    from = Math.min(from, line.time)
    to = Math.max(to, line.time)
    const counts = perService.get(service) ?? {}
    perService.set(service, counts)
    const key =
      line.type === 'session.expired' || line.type === 'session.revoked' ? `end:${line.reason}` : line.type
    counts[key] = (counts[key] ?? 0) + 1
    if (line.policy && line.fingerprint && line.type === 'session.created') {
      fingerprints.set(`${service}\0${line.policy}\0${line.fingerprint}`, {
        service,
        policy: line.policy,
        fingerprint: line.fingerprint,
      })
    }
    const kind = kinds[line.type]
    if (kind !== undefined) {
      clientTotal += 1
      clientEvents.add(line.time * 4 + kind)
    }
  }

  function onSessionDone(story: SessionStory) {
    lengths.add(story.lastAccepted - story.authTime)
    const last = story.end?.reason === 'idle' ? story.gaps.length - 1 : story.gaps.length
    for (let i = 0; i < story.gaps.length; i++) (i < last ? gaps : endGaps).add(story.gaps[i]!)
    // End reasons over time: the first MAX_SAMPLES ends (a report's chart, not a count of record).
    if (story.end && ends.length < MAX_SAMPLES) ends.push(story.end)
  }

  function finish(): ReportStats {
    const capMax = Math.max(...policies.map((p) => p.absoluteTimeout))
    const idleMax = Math.max(...policies.map((p) => p.idleTimeout))
    const l = histogram(lengths.samples, capMax * 1.1)
    const accepted = histogram(gaps.samples, idleMax * 1.5)
    const refused = histogram(endGaps.samples, idleMax * 1.5)
    const start = Number.isFinite(from) ? from : 0
    const width = Math.max(1, (Number.isFinite(to) ? to - start : 0) / BUCKETS)
    const buckets = Array.from({ length: BUCKETS + 1 }, (_, i) => start + i * width)
    const bucketOf = (time: number) => Math.min(BUCKETS, Math.max(0, Math.floor((time - start) / width)))
    const reasons = [...new Set(ends.map((e) => e.reason))].sort()
    const reasonCounts = reasons.map(() => new Array<number>(BUCKETS + 1).fill(0))
    for (const e of ends) reasonCounts[reasons.indexOf(e.reason)]![bucketOf(e.time)]! += 1
    const client = [0, 1, 2].map(() => new Array<number>(BUCKETS + 1).fill(0))
    for (const packed of clientEvents.samples) client[packed % 4]![bucketOf(Math.floor(packed / 4))]! += 1
    const names = [...perService.keys()].sort()
    const count = (key: string) => names.map((n) => perService.get(n)?.[key] ?? 0)
    const byName = new Map(policies.map((p) => [p.name, p.fingerprint]))
    return {
      sessionLengths: {
        binMinutes: l.bins,
        counts: l.counts,
        capsMinutes: policies.map((p) => p.absoluteTimeout / 60_000),
      },
      idleGaps: {
        binMinutes: accepted.bins,
        accepted: accepted.counts,
        beforeIdleExpiry: refused.counts,
        idleMinutes: policies.map((p) => p.idleTimeout / 60_000),
      },
      endReasons: { buckets, reasons, counts: reasonCounts },
      client: { buckets, shown: client[0]!, extended: client[1]!, expired: client[2]!, total: clientTotal },
      services: {
        names,
        created: count('session.created'),
        activity: count('session.activity'),
        idle: count('end:idle'),
        absolute: count('end:absolute'),
        revoked: names.map((n) =>
          Object.entries(perService.get(n) ?? {})
            .filter(([k]) => k.startsWith('end:') && k !== 'end:idle' && k !== 'end:absolute')
            .reduce((sum, [, v]) => sum + v, 0),
        ),
        cutoffs: count('connection.closed'),
        fingerprints: [...fingerprints.values()].map((f) => ({
          ...f,
          matches: byName.get(f.policy) === f.fingerprint,
        })),
      },
      span: { from: start, to: Number.isFinite(to) ? to : start },
    }
  }

  return { onLine, onSessionDone, finish }
}
