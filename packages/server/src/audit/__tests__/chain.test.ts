import { createHash, createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { CHAIN_GENESIS, createAuditChain } from '../chain'
import { jsonLinesSink } from '../sinks'

function recompute(line: string, digest: (input: string) => string): boolean {
  const { prev, hash } = JSON.parse(line) as { prev: string; hash: string }
  const content = `${line.slice(0, line.lastIndexOf(',"hash":"'))}}`
  return digest(`${prev}\n${content}`) === hash
}

describe('createAuditChain', () => {
  it('starts with a head line at seq 0 and links each line to the previous hash', () => {
    const chain = createAuditChain({ service: 'billing', now: () => 7 })
    const first = chain.link('{"time":1,"type":"session.created"}')
    const second = chain.link('{"time":2,"type":"session.expired"}')
    const [head, a, b] = [chain.head, first, second].map((line) => JSON.parse(line))
    expect(head).toMatchObject({ type: 'audit.chain.started', time: 7, service: 'billing', alg: 'sha256' })
    expect(head.seq).toBe(0)
    expect(head.prev).toBe(CHAIN_GENESIS)
    expect([a.seq, b.seq]).toEqual([1, 2])
    expect(a.prev).toBe(head.hash)
    expect(b.prev).toBe(a.hash)
    expect(new Set([head.chain, a.chain, b.chain]).size).toBe(1)
    const sha = (input: string) => createHash('sha256').update(input).digest('hex')
    for (const line of [chain.head, first, second]) expect(recompute(line, sha)).toBe(true)
  })

  it('uses HMAC-SHA-256 when given a key, so the hashes cannot be recomputed without it', () => {
    const chain = createAuditChain({ key: 'k'.repeat(32) })
    const line = chain.link('{"time":1,"type":"session.created"}')
    const hmac = (input: string) => createHmac('sha256', 'k'.repeat(32)).update(input).digest('hex')
    expect(JSON.parse(chain.head).alg).toBe('hmac-sha256')
    expect(recompute(line, hmac)).toBe(true)
    expect(recompute(line, (input) => createHash('sha256').update(input).digest('hex'))).toBe(false)
  })

  it('gives every process (every chain) its own random id', () => {
    expect(createAuditChain().id).not.toBe(createAuditChain().id)
  })
})

describe('jsonLinesSink with chain', () => {
  it('writes the head first, then chained pino-compatible lines', () => {
    const lines: string[] = []
    const sink = jsonLinesSink({ write: (chunk: string) => lines.push(chunk) }, { chain: true })
    void sink({ type: 'session.created', time: 5, session: 's_abcdefghijklmnop' })
    const parsed = lines.map((line) => JSON.parse(line))
    expect(lines.every((line) => line.endsWith('}\n'))).toBe(true)
    expect(parsed.map((p) => p.type)).toEqual(['audit.chain.started', 'session.created'])
    expect(parsed[1]).toMatchObject({
      level: 30,
      time: 5,
      msg: 'session.created',
      seq: 1,
      prev: parsed[0].hash,
    })
  })
})
