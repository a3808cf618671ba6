import { describe, expect, it } from 'vitest'
import { DeadlineHeap } from '../heap'

describe('DeadlineHeap', () => {
  it('pops entries in deadline order whatever the push order', () => {
    const heap = new DeadlineHeap()
    const deadlines = Array.from({ length: 500 }, (_, i) => (i * 7919) % 1000)
    deadlines.forEach((d, i) => {
      heap.push(d, `k${i}`)
    })
    expect(heap.size).toBe(500)
    const popped: number[] = []
    for (let entry = heap.pop(); entry; entry = heap.pop()) popped.push(entry[0])
    expect(popped).toEqual([...deadlines].sort((a, b) => a - b))
    expect(heap.peek()).toBe(Number.POSITIVE_INFINITY)
  })
})
