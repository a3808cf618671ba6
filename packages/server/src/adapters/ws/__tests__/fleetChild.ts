// Server B of the two-process test: a manager on Redis behind a `ws` endpoint. Bundled by esbuild and
// run with node; prints its port once listening.
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Redis } from 'ioredis'
import { WebSocketServer } from 'ws'
import { createSessionManager } from '../../../manager/createSessionManager'
import { RedisStore } from '../../../stores/redis/redisStore'
import { sessionUpgrade } from '../upgrade'

const client = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
client.on('error', () => {})
const manager = createSessionManager({
  policy: { idleTimeout: '1m', absoluteTimeout: '1h' },
  store: new RedisStore({ client, prefix: process.env.CURFEW_PREFIX ?? 'curfew:' }),
})
const server = createServer((_req, res) => res.end())
const wss = new WebSocketServer({ noServer: true })
server.on('upgrade', sessionUpgrade(manager, { wss }))
server.listen(0, '127.0.0.1')
await once(server, 'listening')
process.stdout.write(`${(server.address() as AddressInfo).port}\n`)
process.stdin.resume()
process.stdin.on('end', () => process.exit(0))
