import type { SessionClient } from '@curfew/client'
import { useEffect, useState } from 'react'

/** Background polling, marked passive: it must not keep an absent user signed in. */
export function Feed({ client }: { client: SessionClient }) {
  const [items, setItems] = useState<string[]>([])
  useEffect(() => {
    let stopped = false
    async function poll() {
      const response = await client
        .fetch('/api/feed', { headers: { 'Curfew-Passive': '1' } })
        .catch(() => null)
      if (!stopped && response?.ok) setItems(((await response.json()) as { items: string[] }).items)
    }
    void poll()
    const id = setInterval(poll, 5000)
    return () => {
      stopped = true
      clearInterval(id)
    }
  }, [client])
  return (
    <section className="panel" aria-labelledby="feed-title">
      <h2 id="feed-title">Feed (polled every 5 s, passive)</h2>
      <ul data-testid="feed">
        {items.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
    </section>
  )
}
