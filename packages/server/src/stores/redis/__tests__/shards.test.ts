import { describe, expect, it } from 'vitest'
import { shardsOf } from '../shards'

/** A slot map like the clients keep: slot → master address. */
function slotMap(ranges: Array<[from: number, to: number, node: string]>): Array<string | undefined> {
  const map = new Array<string | undefined>(16_384).fill(undefined)
  for (const [from, to, node] of ranges) for (let slot = from; slot <= to; slot++) map[slot] = node
  return map
}

describe('shardsOf', () => {
  it('names a slot’s shard by its master’s slot ranges and says which node serves it', () => {
    const map = slotMap([
      [0, 5460, 'a:1'],
      [5461, 10922, 'b:1'],
      [10923, 16383, 'c:1'],
    ])
    const shardOf = shardsOf((slot) => map[slot])
    expect(shardOf(0)).toEqual({ shard: '0-5460', node: 'a:1' })
    expect(shardOf(7000)).toEqual({ shard: '5461-10922', node: 'b:1' })
    expect(shardOf(16383)).toEqual({ shard: '10923-16383', node: 'c:1' })
  })

  it('keeps the shard’s name when a replica takes its master’s slots over', () => {
    const map = slotMap([
      [0, 5460, 'a:1'],
      [5461, 16383, 'b:1'],
    ])
    const shardOf = shardsOf((slot) => map[slot])
    expect(shardOf(100)).toEqual({ shard: '0-5460', node: 'a:1' })
    for (let slot = 0; slot <= 5460; slot++) map[slot] = 'a:2'
    expect(shardOf(100)).toEqual({ shard: '0-5460', node: 'a:2' })
  })

  it('lists every range of a master that holds several, and learns when slots move', () => {
    const map = slotMap([
      [0, 99, 'a:1'],
      [100, 199, 'b:1'],
      [200, 16383, 'a:1'],
    ])
    const shardOf = shardsOf((slot) => map[slot])
    expect(shardOf(150)).toEqual({ shard: '100-199', node: 'b:1' })
    expect(shardOf(5)).toEqual({ shard: '0-99,200-16383', node: 'a:1' })
    for (let slot = 100; slot <= 199; slot++) map[slot] = 'a:1'
    expect(shardOf(150)).toEqual({ shard: '0-16383', node: 'a:1' })
  })

  it('answers null for a slot the map assigns to no master', () => {
    const map = slotMap([[0, 8000, 'a:1']])
    expect(shardsOf((slot) => map[slot])(9000)).toBeNull()
  })
})
