import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { SessionManager } from '@curfew/server'
import { sessionUpgrade } from '@curfew/server/ws'
import { WebSocketServer } from 'ws'

/** How often the live feed pushes an update. Pushes are not user activity: they never extend a session. */
const PUSH_EVERY_MS = 2000

/**
 * The live feed: a WebSocket at `GET /api/live`, opened with the session cookie. Curfew refuses a bad
 * handshake with 401 and closes the socket with 4401 and the reason at the idle deadline, on logout and
 * when the admin revokes the session — on whichever server of the fleet that happens.
 */
export function createLiveFeed(manager: SessionManager) {
  const wss = new WebSocketServer({ noServer: true })
  let n = 0
  wss.on('connection', (ws) => {
    const push = () => {
      n += 1
      ws.send(JSON.stringify({ items: Array.from({ length: 5 }, (_, i) => `update #${n * 5 - i}`) }))
    }
    push()
    const timer = setInterval(push, PUSH_EVERY_MS)
    ws.once('close', () => clearInterval(timer))
  })
  const upgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => void = sessionUpgrade(manager, {
    wss,
    path: '/api/live',
  })
  return {
    upgrade,
    close() {
      for (const client of wss.clients) client.terminate()
      wss.close()
    },
  }
}
