import type { SessionClient } from '@curfew/client'
import { useEffect, useState } from 'react'

/**
 * The live feed: a WebSocket at /api/live opened with the session cookie. Its pushes never count as
 * activity; the server cuts it with 4401 at the session's end, and handing that close to the client
 * ends the session in every tab.
 */
export function Feed({ client }: { client: SessionClient }) {
  const [items, setItems] = useState<string[]>([])
  const [state, setState] = useState<'connecting' | 'live' | 'ended'>('connecting')
  useEffect(() => {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/live`)
    ws.onopen = () => setState('live')
    ws.onmessage = (event) => setItems((JSON.parse(String(event.data)) as { items: string[] }).items)
    ws.onclose = (event) => {
      setState('ended')
      client.handleClose({ code: event.code, reason: event.reason })
    }
    return () => {
      ws.onclose = null
      ws.close()
    }
  }, [client])
  return (
    <section className="panel" aria-labelledby="feed-title">
      <h2 id="feed-title">
        Live feed (WebSocket, <span data-testid="feed-state">{state}</span>)
      </h2>
      <ul data-testid="feed">
        {items.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
    </section>
  )
}
