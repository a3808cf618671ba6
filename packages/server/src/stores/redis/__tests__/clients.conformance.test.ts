import { afterAll, beforeAll } from 'vitest'
import { describeSessionStore } from '../../__tests__/conformance'
import { RedisStore } from '../redisStore'
import { type AnyConnection, clusterClients, REDIS_URL, redisCluster, singleNodeClients } from './clients'
import { deletePrefix, uniquePrefix } from './helpers'

// The conformance suite, unchanged, through every supported client major, on one node and on the
// local 3-master cluster.
const targets = [
  ...singleNodeClients.map(([name, connect]) => ({ name, connect, url: async () => REDIS_URL })),
  ...clusterClients.map(([name, connect]) => ({
    name,
    connect,
    url: async () => (await redisCluster()).url,
  })),
]

for (const { name, connect, url } of targets) {
  let connection: AnyConnection
  const prefix = uniquePrefix()
  beforeAll(async () => {
    connection = await connect(await url())
  }, 120_000)
  afterAll(async () => {
    await deletePrefix(connection.client, prefix)
    await connection.close()
  })
  describeSessionStore(`RedisStore (${name})`, () => new RedisStore({ client: connection.client, prefix }))
}
