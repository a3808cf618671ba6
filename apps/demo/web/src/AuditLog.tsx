import { useEffect, useState } from 'react'

interface AuditEvent {
  /** Position in the stream, assigned on arrival: a stable key for the list. */
  seq: number
  type: string
  time: number
  session?: string
  subject?: string
  reason?: string
}

/** The server's audit trail, live over server-sent events (a demo-only endpoint). */
export function AuditLog() {
  const [events, setEvents] = useState<AuditEvent[]>([])
  useEffect(() => {
    let seq = 0
    const source = new EventSource('/api/audit/stream')
    source.onmessage = (message) => {
      const event = { ...(JSON.parse(message.data) as Omit<AuditEvent, 'seq'>), seq: seq++ }
      setEvents((list) => [event, ...list].slice(0, 50))
    }
    return () => source.close()
  }, [])
  return (
    <section className="panel" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <ol className="audit" data-testid="audit">
        {events.map((e) => (
          <li key={e.seq}>
            <time>{new Date(e.time).toLocaleTimeString()}</time> <strong>{e.type}</strong>
            {e.reason ? ` (${e.reason})` : ''} {e.subject ?? ''} <code>{e.session ?? ''}</code>
          </li>
        ))}
      </ol>
    </section>
  )
}
