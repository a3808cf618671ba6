import * as nodeCrypto from 'node:crypto'
import { createHash, createHmac } from 'node:crypto'
import { type AuditViolation, at, type LineRef } from './violations'

const GENESIS = '0'.repeat(64)
// Hashes of this many recent lines per chain are kept, enough to place a line moved this far.
const WINDOW = 4096
const HASH_FIELD = ',"hash":"'

/** The chain fields of one parsed line. */
export interface ChainFields {
  chain: string
  seq: number
  prev: string
  hash: string
}

/** What a chain looked like, for the report. */
export interface ChainSummary {
  id: string
  service?: string
  alg: string
  file: string
  lines: number
  firstSeq: number
  lastSeq: number
}

interface ChainState {
  summary: ChainSummary
  maxSeq: number
  /** Ring of the last WINDOW lines by `seq % WINDOW` (a Map with deletes at its head slows V8 down). */
  recent: ({ seq: number; hash: string; ref: LineRef } | undefined)[]
  /** Sequence numbers not seen yet below `maxSeq`: deleted, unless they turn up later (reordered). */
  missing: { from: number; to: number; before: LineRef }[]
}

function recentLine(state: ChainState, seq: number) {
  const slot = state.recent[seq % WINDOW]
  return slot?.seq === seq ? slot : undefined
}

/** Reads the chain fields of a parsed line, or `undefined` if the line is not chained. */
export function chainFieldsOf(event: Record<string, unknown>): ChainFields | undefined {
  const { chain, seq, prev, hash } = event
  if (
    typeof chain !== 'string' ||
    typeof seq !== 'number' ||
    typeof prev !== 'string' ||
    typeof hash !== 'string'
  ) {
    return undefined
  }
  return { chain, seq, prev, hash }
}

/**
 * Checks hash chains line by line, in file order. Each line's own hash proves its content (an edit is
 * named on the line itself); sequence numbers and `prev` links place it (a gap is a deletion, a repeat
 * an insertion, a late arrival a reordering). State per chain is bounded by {@link WINDOW}.
 */
export function createChainChecker(options: {
  key?: string | undefined
  report: (v: AuditViolation) => void
}) {
  const chains = new Map<string, ChainState>()
  const { report } = options
  // `crypto.hash` (Node ≥ 20.12) is the one-shot form, several times cheaper per short line.
  const oneShot = (nodeCrypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash
  const digest = (input: string): string =>
    options.key !== undefined
      ? createHmac('sha256', options.key).update(input).digest('hex')
      : oneShot
        ? oneShot('sha256', input, 'hex')
        : createHash('sha256').update(input).digest('hex')

  function check(input: { raw: string; event: Record<string, unknown>; fields: ChainFields; ref: LineRef }) {
    const { raw, event, fields, ref } = input
    let state = chains.get(fields.chain)
    if (!state) {
      state = {
        summary: {
          id: fields.chain,
          alg:
            typeof event.alg === 'string' ? event.alg : options.key === undefined ? 'sha256' : 'hmac-sha256',
          file: ref.file,
          lines: 0,
          firstSeq: fields.seq,
          lastSeq: fields.seq,
        },
        maxSeq: -1,
        recent: new Array(WINDOW),
        missing: [],
      }
      chains.set(fields.chain, state)
    }
    if (event.type === 'audit.chain.started' && typeof event.service === 'string') {
      state.summary.service = event.service
    }
    state.summary.lines += 1
    const cut = raw.lastIndexOf(HASH_FIELD)
    const content = cut < 0 ? '' : `${raw.slice(0, cut)}}`
    if (cut < 0 || !raw.endsWith('"}') || digest(`${fields.prev}\n${content}`) !== fields.hash) {
      report({
        rule: 'chain.edited',
        ...ref,
        message: `line ${at(ref)} was edited after it was written: its hash does not match its content`,
      })
    }
    const { seq } = fields
    if (!Number.isSafeInteger(seq) || seq < 0) {
      report({ rule: 'chain.inserted', ...ref, message: `line ${at(ref)} carries an impossible seq ${seq}` })
      return
    }
    if (seq > state.maxSeq) {
      if (seq > state.maxSeq + 1) state.missing.push({ from: state.maxSeq + 1, to: seq - 1, before: ref })
      const previous = seq === 0 ? { hash: GENESIS, ref } : recentLine(state, seq - 1)
      if (previous && seq === state.maxSeq + 1 && previous.hash !== fields.prev) {
        report({
          rule: 'chain.broken',
          ...ref,
          message: `line ${at(ref)} does not link to line ${at(previous.ref)} before it (seq ${seq - 1}): one of them was replaced or inserted`,
        })
      }
      state.maxSeq = seq
      state.summary.lastSeq = seq
    } else {
      const gap = state.missing.findIndex((m) => m.from <= seq && seq <= m.to)
      if (gap >= 0) {
        const m = state.missing[gap]!
        report({
          rule: 'chain.reordered',
          ...ref,
          message: `line ${at(ref)} (seq ${seq}) is out of order: it was written before line ${at(m.before)}`,
        })
        const split = [
          ...(m.from < seq ? [{ from: m.from, to: seq - 1, before: m.before }] : []),
          ...(seq < m.to ? [{ from: seq + 1, to: m.to, before: m.before }] : []),
        ]
        state.missing.splice(gap, 1, ...split)
      } else {
        const first = recentLine(state, seq)
        report({
          rule: 'chain.inserted',
          ...ref,
          message: first
            ? `line ${at(ref)} repeats seq ${seq} of line ${at(first.ref)}: a line was inserted or duplicated`
            : `line ${at(ref)} repeats seq ${seq}, already seen earlier in the chain: a line was inserted`,
        })
        return
      }
    }
    state.summary.firstSeq = Math.min(state.summary.firstSeq, seq)
    state.recent[seq % WINDOW] = { seq, hash: fields.hash, ref }
    if (state.missing.length > WINDOW) state.missing.shift()
  }

  function finish(): ChainSummary[] {
    for (const state of chains.values()) {
      for (const m of state.missing) {
        const count = m.to - m.from + 1
        report({
          rule: 'chain.deleted',
          ...m.before,
          message:
            m.from === 0
              ? `chain ${state.summary.id} starts at seq ${m.to + 1} (line ${at(m.before)}): ${count} line(s) deleted from its start, or an earlier file of it is missing`
              : `${count} line(s) deleted before line ${at(m.before)} (chain ${state.summary.id}, seq ${m.from}${count > 1 ? `–${m.to}` : ''} missing)`,
        })
      }
    }
    return [...chains.values()].map((s) => s.summary)
  }

  return { check, finish }
}
