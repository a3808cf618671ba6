import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { RedisStore } from '@curfew/server'
import { createClient } from 'redis'
import { createDemoApp } from './app'
import { readConfig } from './config'
import { startDemoIdp } from './idp'

const here = dirname(fileURLToPath(import.meta.url))
const config = readConfig(process.env, join(here, 'web'))

async function main() {
  let store: RedisStore | undefined
  let redis: ReturnType<typeof createClient> | undefined
  if (config.redisUrl) {
    redis = createClient({ url: config.redisUrl })
    redis.on('error', (error) => console.error(`redis: ${error.message}`))
    await redis.connect()
    store = new RedisStore({ client: redis, prefix: process.env.CURFEW_REDIS_PREFIX ?? 'curfew-demo:' })
  }
  const demo = createDemoApp({
    config,
    ...(store ? { store, storeLabel: 'redis' as const } : {}),
    instance: `port ${config.port}`,
  })
  const server = demo.app.listen(config.port, config.host)
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  server.on('upgrade', demo.upgrade)
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  // The IdP sends the browser back to this exact origin, so open the demo at the URL printed below.
  const origin = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`
  const idp = config.idp
    ? await startDemoIdp({
        demo,
        origin,
        sessionLifetime: config.idpSessionLifetime,
        port: config.idpPort,
      })
    : undefined
  console.log(`Curfew demo running at ${origin}`)
  console.log(
    `  idle ${process.env.CURFEW_IDLE_TIMEOUT ?? '2m'}, absolute ${process.env.CURFEW_ABSOLUTE_TIMEOUT ?? '10m'}, warn ${process.env.CURFEW_WARN_BEFORE ?? '30s'}, store ${store ? `redis (${config.redisUrl})` : 'memory'}`,
  )
  if (idp) {
    console.log(
      `  dev OpenID Provider at ${idp.issuer} (any name, no password; its sessions last ${process.env.CURFEW_DEMO_IDP_SESSION ?? '8m'})`,
    )
  }
  const shutdown = async () => {
    server.close()
    server.closeAllConnections()
    await idp?.close()
    await demo.close()
    await redis?.quit().catch(() => undefined)
    process.exit(0)
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
