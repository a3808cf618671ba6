import { createServer, get, type Server } from 'node:http'
import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { requestInfo } from '../request'

const servers: Server[] = []

async function hostSeen(trustProxy: boolean, headers: Record<string, string>): Promise<string | null> {
  const app = express()
  app.set('trust proxy', trustProxy)
  app.get('/', (req, res) => {
    res.json({ host: requestInfo(req).host ?? null })
  })
  const server = createServer(app)
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no address')
  // node:http rather than fetch, which does not let a caller set `Host`.
  const body = await new Promise<string>((resolve, reject) => {
    get({ host: '127.0.0.1', port: address.port, path: '/', headers }, (response) => {
      let text = ''
      response.on('data', (chunk: Buffer) => {
        text += chunk.toString()
      })
      response.on('end', () => resolve(text))
    }).on('error', reject)
  })
  return (JSON.parse(body) as { host: string | null }).host
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

// Run on Express 5 and, through vitest.express4.config.ts, on Express 4: both must read the same host.
describe('express request host', () => {
  it('keeps the port of the Host header, which the same-origin check compares', async () => {
    expect(await hostSeen(false, { host: 'LocalHost:3000' })).toBe('localhost:3000')
  })

  it('ignores X-Forwarded-Host unless the app trusts the proxy', async () => {
    expect(await hostSeen(false, { host: 'app.test:8080', 'x-forwarded-host': 'evil.test' })).toBe(
      'app.test:8080',
    )
  })

  it('reads the first X-Forwarded-Host when `trust proxy` trusts the peer', async () => {
    expect(await hostSeen(true, { host: 'internal:8080', 'x-forwarded-host': 'app.test, proxy.test' })).toBe(
      'app.test',
    )
  })
})
