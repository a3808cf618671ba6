import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSessionManager } from '../../../manager/createSessionManager'
import type { StoreCheckInput, StoreCheckResult } from '../../types'
import { RedisStore } from '../redisStore'
import { clients, deletePrefix, uniquePrefix } from './helpers'

const policy = { idleTimeout: '15m', absoluteTimeout: '1h', touchInterval: '5m' }

/** A RedisStore that keeps what its checks answered. */
class RecordingStore extends RedisStore {
  readonly answers: StoreCheckResult[] = []
  override check(input: StoreCheckInput): Promise<StoreCheckResult> {
    return super.check(input).then((answer) => {
      this.answers.push(answer)
      return answer
    })
  }
}

describe.each(clients)('plain reads parse each stored string once (%s)', (_name, connect) => {
  let connection: Awaited<ReturnType<typeof connect>>
  const prefix = uniquePrefix()
  beforeAll(async () => {
    connection = await connect()
  })
  afterAll(async () => {
    await deletePrefix(connection.client, prefix)
    connection.close()
  })

  it('hands out the same frozen session while the record is unchanged, data deep-frozen', async () => {
    const store = new RecordingStore({ client: connection.client, prefix })
    const manager = createSessionManager({ policy, store })
    const { token } = await manager.create({ subject: 'u1', data: { roles: ['admin'] } })
    for (let i = 0; i < 3; i++) expect((await manager.validate(token, { activity: false })).ok).toBe(true)
    const [, second, third] = store.answers
    if (second?.outcome !== 'active' || third?.outcome !== 'active') throw new Error('expected active')
    expect(third.session).toBe(second.session)
    expect(Object.isFrozen(third.session)).toBe(true)
    expect(third.session.data).toEqual({ roles: ['admin'] })
    expect(Object.isFrozen(third.session.data)).toBe(true)
    expect(Object.isFrozen((third.session.data as { roles: string[] }).roles)).toBe(true)
  })

  it('judges a record another server changed afresh: a revoke there is seen here at once', async () => {
    const here = new RecordingStore({ client: connection.client, prefix })
    const there = new RedisStore({ client: connection.client, prefix })
    const managerHere = createSessionManager({ policy, store: here })
    const managerThere = createSessionManager({ policy, store: there })
    const { token } = await managerHere.create({ subject: 'u2' })
    expect((await managerHere.validate(token, { activity: false })).ok).toBe(true)
    expect((await managerHere.validate(token, { activity: false })).ok).toBe(true)
    await managerThere.revoke(token)
    expect(await managerHere.validate(token, { activity: false })).toMatchObject({
      ok: false,
      reason: 'revoked',
    })
    expect(here.answers.at(-1)).toMatchObject({ outcome: 'ended', reason: 'revoked', first: false })
  })
})
