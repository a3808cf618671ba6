import { describe, expect, it, vi } from 'vitest'
import { createStore } from '../store'

describe('createStore', () => {
  it('keeps the same object until a field changes', () => {
    const store = createStore({ a: 1, b: 2 })
    const first = store.get()
    expect(store.set({ a: 1, b: 2 })).toBe(false)
    expect(store.get()).toBe(first)
    expect(store.set({ a: 1, b: 3 })).toBe(true)
    expect(store.get()).not.toBe(first)
  })

  it('ignores the named field when comparing', () => {
    const store = createStore({ a: 1, remaining: 5 })
    const first = store.get()
    expect(store.set({ a: 1, remaining: 4 }, 'remaining')).toBe(false)
    expect(store.get()).toBe(first)
  })

  it('notifies subscribers on change until they unsubscribe', () => {
    const store = createStore({ a: 1 })
    const listener = vi.fn()
    const unsubscribe = store.subscribe(listener)
    store.set({ a: 2 })
    store.set({ a: 2 })
    unsubscribe()
    store.set({ a: 3 })
    expect(listener).toHaveBeenCalledTimes(1)
  })

  it('publishes a change of the tick key alone only to tick listeners, and only while there are some', () => {
    const store = createStore({ a: 1, remaining: 5 })
    const plain = vi.fn()
    const ticks = vi.fn()
    store.subscribe(plain)
    const stop = store.subscribe(ticks, true)
    expect(store.ticking()).toBe(true)
    expect(store.set({ a: 1, remaining: 4 }, 'remaining')).toBe(true)
    expect(store.get().remaining).toBe(4)
    expect(plain).not.toHaveBeenCalled()
    expect(ticks).toHaveBeenCalledTimes(1)
    store.set({ a: 2, remaining: 3 }, 'remaining')
    expect(plain).toHaveBeenCalledTimes(1)
    expect(ticks).toHaveBeenCalledTimes(2)
    stop()
    expect(store.ticking()).toBe(false)
    expect(store.set({ a: 2, remaining: 2 }, 'remaining')).toBe(false)
  })
})
