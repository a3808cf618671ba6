// Child processes of the gateway bench: `upstream` (a plain JSON app, no Curfew) or `gateway`
// (@curfew/gateway from its build, memory store). Each reports its port over IPC and stops on 'stop'.
import { createServer } from 'node:http'

const [role, upstream] = process.argv.slice(2)

async function main() {
  if (role === 'upstream') {
    const body = JSON.stringify({ ok: true, items: [1, 2, 3] })
    const server = createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }).end(body)
    })
    server.keepAliveTimeout = 60_000
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    process.send({ port: server.address().port })
    process.on('message', (m) => m === 'stop' && process.exit(0))
    return
  }
  const { startGateway } = await import('@curfew/gateway')
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
  process.send({ port: gateway.port })
  process.on('message', async (m) => {
    if (m !== 'stop') return
    await gateway.close()
    process.exit(0)
  })
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
