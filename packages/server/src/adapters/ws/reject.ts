import { STATUS_CODES } from 'node:http'
import type { HttpReply } from '../../http'

/** What {@link rejectUpgrade} needs of the upgrade's socket (a `net.Socket`/`Duplex`). */
export interface RawSocketLike {
  write(chunk: string): unknown
  destroy(): unknown
  writable?: boolean
}

/**
 * Answers an upgrade request with a plain HTTP refusal (401, 403 or 503 with its JSON body and
 * `WWW-Authenticate`) on the raw socket and closes it: no WebSocket is ever opened.
 *
 * @example
 * const auth = await authenticateUpgrade(manager, req)
 * if (!auth.ok) return rejectUpgrade(socket, auth.reply)
 */
export function rejectUpgrade(socket: RawSocketLike, reply: HttpReply): void {
  const body = JSON.stringify(reply.body)
  const lines = [`HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? 'Error'}`]
  for (const [name, value] of reply.headers) lines.push(`${name}: ${value}`)
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close')
  try {
    if (socket.writable !== false) socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`)
  } finally {
    socket.destroy()
  }
}
