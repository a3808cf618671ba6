import { describe, expect, it } from 'vitest'
import { createFlights } from '../flights'

const later = () => {
  let resolve!: (value: string) => void
  const promise = new Promise<string>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

describe('createFlights', () => {
  it('joins a flight of the same kind in the air, and starts a new one after it landed', async () => {
    const flights = createFlights<'check'>()
    const first = later()
    let sent = 0
    const send = () => {
      sent++
      return first.promise
    }
    const landed: string[] = []
    const a = flights.run('check', send, (r) => landed.push(r))
    const b = flights.run('check', send, (r) => landed.push(r))
    expect(a).toBe(b)
    expect(flights.has('check')).toBe(true)
    first.resolve('ok')
    await a
    expect(landed).toEqual(['ok'])
    expect(flights.has('check')).toBe(false)
    expect(sent).toBe(1)
  })

  it('frees the slot before landing, so what landing starts is a new flight', async () => {
    const flights = createFlights<'check'>()
    let again: Promise<void> | undefined
    const first = flights.run(
      'check',
      async () => 'a',
      () => {
        again = flights.run(
          'check',
          async () => 'b',
          () => {},
        )
      },
    )
    await first
    expect(again).toBeDefined()
    expect(again).not.toBe(first)
  })

  it('keeps the newer flight after clear(), when a forgotten one lands', async () => {
    const flights = createFlights<'check'>()
    const old = later()
    const forgotten = flights.run(
      'check',
      () => old.promise,
      () => {},
    )
    flights.clear()
    const current = later()
    const newer = flights.run(
      'check',
      () => current.promise,
      () => {},
    )
    old.resolve('late')
    await forgotten
    expect(
      flights.run(
        'check',
        () => Promise.resolve('x'),
        () => {},
      ),
    ).toBe(newer)
  })
})
