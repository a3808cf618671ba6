// The client side of the live bench, in its own process (10,000 sockets each side would exceed one
// process's file descriptors): reads `{ url, tokens }` on stdin, opens one socket per token, prints
// `open` once all are open, then `closed <epoch ms> <codes>` once all have closed.
import { WebSocket } from 'ws'

let input = ''
process.stdin.setEncoding('utf8')
for await (const chunk of process.stdin) {
  input += chunk
  if (input.endsWith('\n')) break
}
const { url, tokens } = JSON.parse(input)
let closed = 0
let last = 0
const codes = {}
const open = (token) =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: { cookie: `curfew_session=${token}` },
      perMessageDeflate: false,
    })
    ws.once('open', resolve)
    ws.once('error', reject)
    ws.once('close', (code) => {
      codes[code] = (codes[code] ?? 0) + 1
      last = performance.timeOrigin + performance.now()
      if (++closed === tokens.length) process.stdout.write(`closed ${last} ${JSON.stringify(codes)}\n`)
    })
  })
for (let i = 0; i < tokens.length; i += 200) await Promise.all(tokens.slice(i, i + 200).map(open))
process.stdout.write('open\n')
