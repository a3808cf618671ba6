import { createHash, createHmac, randomBytes } from 'node:crypto'

/** The `prev` of a chain's first line. */
export const CHAIN_GENESIS = '0'.repeat(64)

/** Options of a hash-chained audit log (`jsonLinesSink(stream, { chain })`). */
export interface AuditChainOptions {
  /**
   * Optional HMAC key: each hash becomes HMAC-SHA-256 under it, so someone who can edit the file but
   * does not hold the key cannot rewrite the chain after an edit. Keep it out of the log's host.
   */
  key?: string | Uint8Array
  /** The service name written on the chain's first line (per-service views in `curfew audit report`). */
  service?: string
  /** Clock for the first line's `time` (epoch ms). Default `Date.now`. */
  now?: () => number
}

/** A chain in progress: turns each serialised event (a JSON object) into its chained line. */
export interface AuditChain {
  readonly id: string
  /** The chain's first line (`audit.chain.started`), to write before anything else. */
  readonly head: string
  link(body: string): string
}

/**
 * Starts a hash chain for one process. Line format (what `curfew audit verify` checks):
 * the event's JSON object with `"chain":"<id>","seq":<n>,"prev":"<hex>"` appended, then
 * `"hash":"<hex>"` last, where `hash = SHA-256(prev + "\n" + <the line up to "prev" and its closing brace>)`
 * (HMAC-SHA-256 with `key`). `seq` starts at 0 on the head line and grows by one per line; a random
 * chain id per process keeps several processes (or restarts) writing to one file apart.
 *
 * @example
 * const chain = createAuditChain({ service: 'billing' })
 * stream.write(`${chain.head}\n`)
 * stream.write(`${chain.link(JSON.stringify({ time: Date.now(), type: 'session.created' }))}\n`)
 */
export function createAuditChain(options: AuditChainOptions = {}): AuditChain {
  const id = randomBytes(9).toString('base64url')
  const key = options.key
  if (key !== undefined && (key.length === 0 || (typeof key !== 'string' && !(key instanceof Uint8Array)))) {
    throw new TypeError('The audit chain key must be a non-empty string or Uint8Array.')
  }
  let seq = 0
  let prev = CHAIN_GENESIS
  const digest = (input: string): string =>
    (key === undefined ? createHash('sha256') : createHmac('sha256', key)).update(input).digest('hex')
  const link = (body: string): string => {
    // The event's own serialisation is the canonical content: hashing the exact bytes written means a
    // verifier never has to re-serialise (and so can never disagree about key order or number format).
    const content = `${body.slice(0, -1)},"chain":"${id}","seq":${seq},"prev":"${prev}"}`
    const hash = digest(`${prev}\n${content}`)
    seq += 1
    prev = hash
    return `${content.slice(0, -1)},"hash":"${hash}"}`
  }
  const now = options.now ?? Date.now
  const head = link(
    JSON.stringify({
      level: 30,
      time: now(),
      msg: 'audit.chain.started',
      type: 'audit.chain.started',
      alg: key === undefined ? 'sha256' : 'hmac-sha256',
      ...(options.service === undefined ? {} : { service: options.service }),
      pid: process.pid,
    }),
  )
  return { id, head, link }
}
