/** A binary min-heap of `[deadline, key]` pairs: O(log n) push and pop, O(1) peek. */
export class DeadlineHeap {
  readonly #deadlines: number[] = []
  readonly #keys: string[] = []

  get size(): number {
    return this.#keys.length
  }

  push(deadline: number, key: string): void {
    this.#deadlines.push(deadline)
    this.#keys.push(key)
    let i = this.#keys.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (this.#deadlines[parent]! <= deadline) break
      this.#swap(i, parent)
      i = parent
    }
  }

  /** The earliest deadline, or `Infinity` when empty. */
  peek(): number {
    return this.#deadlines[0] ?? Number.POSITIVE_INFINITY
  }

  pop(): [number, string] | undefined {
    const n = this.#keys.length
    if (n === 0) return undefined
    const top: [number, string] = [this.#deadlines[0]!, this.#keys[0]!]
    this.#swap(0, n - 1)
    this.#deadlines.pop()
    this.#keys.pop()
    let i = 0
    const size = n - 1
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let smallest = i
      if (left < size && this.#deadlines[left]! < this.#deadlines[smallest]!) smallest = left
      if (right < size && this.#deadlines[right]! < this.#deadlines[smallest]!) smallest = right
      if (smallest === i) break
      this.#swap(i, smallest)
      i = smallest
    }
    return top
  }

  #swap(a: number, b: number): void {
    const d = this.#deadlines[a]!
    this.#deadlines[a] = this.#deadlines[b]!
    this.#deadlines[b] = d
    const k = this.#keys[a]!
    this.#keys[a] = this.#keys[b]!
    this.#keys[b] = k
  }
}
