import type { Response } from 'express'

/** A demo-only window on the audit trail: the last events, and a server-sent-events stream of new ones. */
export class AuditFeed {
  private readonly events: unknown[] = []
  private readonly clients = new Set<Response>()

  constructor(private readonly limit = 200) {}

  push = (event: unknown): void => {
    this.events.push(event)
    if (this.events.length > this.limit) this.events.shift()
    const line = `data: ${JSON.stringify(event)}\n\n`
    for (const client of this.clients) client.write(line)
  }

  recent(): unknown[] {
    return [...this.events]
  }

  stream(res: Response): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    })
    for (const event of this.events) res.write(`data: ${JSON.stringify(event)}\n\n`)
    this.clients.add(res)
    res.on('close', () => this.clients.delete(res))
  }

  close(): void {
    for (const client of this.clients) client.end()
    this.clients.clear()
  }
}
