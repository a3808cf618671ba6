/**
 * Single-flight requests: one of each kind in the air at a time, every caller joins it.
 *
 * @example
 * const flights = createFlights<'check' | 'refresh'>()
 * flights.run('check', () => send('check'), (reply) => take(reply)) // a second call joins the first
 */
export interface Flights<K extends string> {
  /**
   * Joins the flight of `kind` in the air, or starts one with `send`. When it lands, its slot is freed
   * first, so what `land` starts (a check the answer calls for) is a new flight.
   */
  run<R>(kind: K, send: () => Promise<R>, land: (result: R) => void): Promise<void>
  has(kind: K): boolean
  /** Forgets every flight: later calls start new ones, and the forgotten ones free no slot they land. */
  clear(): void
}

export function createFlights<K extends string>(): Flights<K> {
  let slots: Partial<Record<K, Promise<void>>> = {}
  return {
    run(kind, send, land) {
      // The slots of this flight's own time: after clear() (stop() then start()), a newer flight may
      // hold the kind's slot, and landing frees only the forgotten one.
      const mine = slots
      mine[kind] ??= send().then((result) => {
        mine[kind] = undefined
        land(result)
      })
      return mine[kind]
    },
    has: (kind) => !!slots[kind],
    clear() {
      slots = {}
    },
  }
}
