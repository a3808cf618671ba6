// Child processes of the gateway bench: `upstream` (a plain JSON app, no Curfew), `gateway`
// (@curfew/gateway from its build — or the build at $CURFEW_BENCH_GATEWAY — memory store) or
// `auth-floor` (a bare Node server that answers every /auth with 200 and the identity headers: what any
// Node auth service costs at the least). Each reports its port over IPC, its CPU time on 'cpu', and
// stops on 'stop'.
import { createServer } from 'node:http'

const [role, upstream] = process.argv.slice(2)

let connections = 0

function onMessages(stop) {
  process.on('message', async (m) => {
    // The connections accepted so far tell whether the proxy keeps its auth connections alive.
    if (m === 'cpu') process.send({ cpu: process.cpuUsage(), connections })
    if (m === 'stop') {
      await stop()
      process.exit(0)
    }
  })
}

async function listen(handler) {
  const server = createServer(handler)
  server.on('connection', () => connections++)
  server.keepAliveTimeout = 60_000
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  process.send({ port: server.address().port })
  onMessages(async () => {})
}

async function main() {
  if (role === 'upstream') {
    const body = JSON.stringify({ ok: true, items: [1, 2, 3] })
    return listen((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body)
    })
  }
  if (role === 'auth-floor') {
    return listen((_request, response) => {
      response
        .writeHead(200, {
          'cache-control': 'no-store',
          'curfew-session': `v=1; s=active; t=${Date.now()}; e=0; i=0; a=0; b=idle; h=s_bench`,
          'x-curfew-subject': 'bench',
          'x-curfew-session': 's_bench',
          'x-curfew-policy': 'default',
          'x-curfew-token': '',
          'content-length': 0,
        })
        .end()
    })
  }
  const { startGateway } = await import(process.env.CURFEW_BENCH_GATEWAY || '@curfew/gateway')
  const gateway = await startGateway({
    config: {
      listen: { host: '127.0.0.1', port: 0 },
      policy: { idleTimeout: '15m', absoluteTimeout: '12h' },
      devSignIn: true,
      audit: false,
      ...(upstream ? { upstream } : {}),
    },
    metrics: false,
  })
  gateway.app.server.on('connection', () => connections++)
  process.send({ port: gateway.port })
  onMessages(() => gateway.close())
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
