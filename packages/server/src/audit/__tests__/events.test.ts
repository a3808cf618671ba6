import { describe, expect, it } from 'vitest'
import { connectionClosedEvent } from '../events'

describe('connectionClosedEvent', () => {
  it('puts the handle in session, the end reason in reason and the transport in meta', () => {
    expect(
      connectionClosedEvent({
        time: 5,
        session: 's_abc',
        reason: 'idle',
        transport: 'websocket',
        policy: 'default',
      }),
    ).toEqual({
      type: 'connection.closed',
      time: 5,
      session: 's_abc',
      reason: 'idle',
      policy: 'default',
      meta: { transport: 'websocket' },
    })
  })
})
