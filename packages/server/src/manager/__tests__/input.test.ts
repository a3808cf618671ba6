import { CurfewError } from '@curfew/core'
import { describe, expect, it } from 'vitest'
import { MemoryStore } from '../../stores/memory/memoryStore'
import { createSessionManager } from '../createSessionManager'
import { START, setup } from './helpers'

const hostile: Array<[string, unknown, string]> = [
  ['empty', '', 'missing'],
  ['null', null, 'missing'],
  ['short', 'abc', 'malformed'],
  ['42 chars', 'a'.repeat(42), 'malformed'],
  ['44 chars', 'a'.repeat(44), 'malformed'],
  ['huge', 'a'.repeat(5_000_000), 'malformed'],
  ['wrong charset', `${'a'.repeat(42)}=`, 'malformed'],
  ['unicode', `${'é'.repeat(42)}a`, 'malformed'],
  ['emoji', `${'😀'.repeat(21)}a`, 'malformed'],
  ['a number', 12345, 'malformed'],
  ['an object', { toString: () => 'x' }, 'malformed'],
  ['unknown but well formed', 'A'.repeat(43), 'unknown'],
]

describe('hostile tokens', () => {
  it.each(hostile)('answers %s with a typed 401 and never throws', async (_name, token, reason) => {
    const { manager } = setup()
    const result = await manager.validate(token as string)
    expect(result).toMatchObject({ ok: false, reason, httpStatus: 401 })
    if (!result.ok) {
      expect(result.body).toMatchObject({ reason, serverTime: START })
      expect(result.wwwAuthenticate).toMatch(/^Bearer /)
    }
  })

  it('does not touch the store for malformed tokens', async () => {
    let calls = 0
    const store = new MemoryStore({ sweepInterval: 0 })
    const counting = Object.assign(Object.create(store), {
      check: (...args: Parameters<MemoryStore['check']>) => {
        calls++
        return store.check(...args)
      },
    })
    const manager = createSessionManager({
      policy: { idleTimeout: '15m', absoluteTimeout: '1h' },
      store: counting,
    })
    await manager.validate('x'.repeat(10_000))
    expect(calls).toBe(0)
    await manager.validate('A'.repeat(43))
    expect(calls).toBe(1)
  })

  it('keeps no token in the store: a dump holds only hashes and handles', async () => {
    const store = new MemoryStore({ sweepInterval: 0 })
    const events: unknown[] = []
    const manager = createSessionManager({
      policy: { idleTimeout: '15m', absoluteTimeout: '8h', renewEvery: '1m', touchInterval: 0 },
      store,
      now: () => START,
      audit: (e) => {
        events.push(e)
      },
    })
    const { token } = await manager.create({ subject: 'u1', data: { role: 'admin' } })
    const dump = JSON.stringify(store.dump())
    expect(dump).toContain('admin')
    expect(dump).not.toContain(token)
    expect(JSON.stringify(events)).not.toContain(token)
  })

  it('refuses bad create input with a CurfewError', async () => {
    const { manager } = setup()
    await expect(manager.create({ subject: '' })).rejects.toMatchObject({ code: 'invalid_option' })
    await expect(manager.create({ subject: 'u', data: { big: 'x'.repeat(10_000) } })).rejects.toMatchObject({
      code: 'invalid_option',
    })
    await expect(manager.issueAccessToken({} as never)).rejects.toMatchObject({ code: 'invalid_option' })
  })

  it('refuses data that cannot be JSON (BigInt, a cycle) with a CurfewError, not a raw TypeError', async () => {
    const { manager } = setup()
    const circular: Record<string, unknown> = {}
    circular.self = circular
    for (const data of [{ id: 1n }, circular]) {
      const failure = await manager.create({ subject: 'u', data }).catch((error: unknown) => error)
      expect(failure).toBeInstanceOf(CurfewError)
      expect(failure).toMatchObject({ code: 'invalid_option', message: expect.stringContaining('JSON') })
    }
  })

  it('counts the data limit in UTF-8 bytes, not UTF-16 units', async () => {
    const { manager } = setup()
    // 3,000 × '€' is 3,000 UTF-16 units but 9,000 bytes of UTF-8: over the 8,192-byte limit.
    await expect(manager.create({ subject: 'u', data: { s: '€'.repeat(3_000) } })).rejects.toMatchObject({
      code: 'invalid_option',
    })
    // `{"s":"…"}` is 8 bytes of framing: 8,184 one-byte characters are exactly at the limit, one more is over.
    await expect(manager.create({ subject: 'u', data: { s: 'a'.repeat(8_184) } })).resolves.toMatchObject({
      session: { subject: 'u' },
    })
    await expect(manager.create({ subject: 'u', data: { s: 'a'.repeat(8_185) } })).rejects.toMatchObject({
      code: 'invalid_option',
    })
  })
})
