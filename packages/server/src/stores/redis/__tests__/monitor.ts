import { once } from 'node:events'
import { connect, type Socket } from 'node:net'

/**
 * A raw `MONITOR` connection that records the commands clients send, top-level only: the commands a
 * script runs inside Redis (shown as `[0 lua]`) are not round trips and are left out.
 */
export async function monitor(port: number) {
  const socket: Socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  const commands: string[] = []
  /** The same commands with the address ("ip:port") of the connection that sent each. */
  const sent: Array<{ command: string; from: string }> = []
  const waiters: Array<{ marker: string; resolve: () => void }> = []
  let buffer = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    buffer += chunk
    let end = buffer.indexOf('\r\n')
    while (end !== -1) {
      const line = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      end = buffer.indexOf('\r\n')
      const match = /^\+\d+\.\d+ \[\d+ ([^\]]+)\] "([^"]+)"(.*)$/.exec(line)
      if (!match || match[1] === 'lua') continue
      const command = match[2]!.toUpperCase()
      const marker = waiters.find((w) => command === 'ECHO' && match[3]!.includes(w.marker))
      if (marker) marker.resolve()
      else {
        commands.push(command)
        sent.push({ command, from: match[1]! })
      }
    }
  })
  socket.write('MONITOR\r\n')
  return {
    commands,
    sent,
    /** Resolves once MONITOR has shown everything sent before `send(['ECHO', marker])`. */
    async flush(send: (args: string[]) => Promise<unknown>): Promise<void> {
      const marker = `flush-${Math.random().toString(36).slice(2)}`
      const seen = new Promise<void>((resolve) => waiters.push({ marker, resolve }))
      await send(['ECHO', marker])
      await seen
    },
    reset(): void {
      commands.length = 0
      sent.length = 0
    },
    close(): void {
      socket.destroy()
    },
  }
}
