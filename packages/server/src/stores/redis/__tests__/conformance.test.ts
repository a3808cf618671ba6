import { afterAll, beforeAll } from 'vitest'
import { describeSessionStore } from '../../__tests__/conformance'
import { RedisStore } from '../redisStore'
import { clients, deletePrefix, uniquePrefix } from './helpers'

for (const [name, connect] of clients) {
  let connection: Awaited<ReturnType<typeof connect>>
  const prefix = uniquePrefix()
  beforeAll(async () => {
    connection = await connect()
  })
  afterAll(async () => {
    await deletePrefix(connection.client, prefix)
    await connection.close()
  })
  describeSessionStore(`RedisStore (${name})`, () => new RedisStore({ client: connection.client, prefix }), {
    cleanup: () => deletePrefix(connection.client, prefix).then(() => {}),
  })
}
