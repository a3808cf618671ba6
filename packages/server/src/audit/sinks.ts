import { type AuditChainOptions, createAuditChain } from './chain'
import type { AuditEvent, AuditSink } from './events'

/**
 * Wraps a function as a sink (for symmetry with other sinks: a plain function works too).
 *
 * @example
 * createSessionManager({ policy, audit: [functionSink((event) => metrics.count(event.type))] })
 */
export function functionSink(fn: (event: AuditEvent) => void | Promise<void>): AuditSink {
  return (event) => fn(event)
}

/** A writable the JSON-lines sink can write to (`process.stdout`, a file stream, a socket). */
export interface LineStream {
  write(chunk: string): unknown
  on?(event: 'error', listener: (error: unknown) => void): unknown
}

// pino's numeric levels, so the lines merge into existing pino pipelines.
const LEVELS: Partial<Record<AuditEvent['type'], number>> = {
  'store.unavailable': 50,
  'session.rejected': 40,
  'policy.drift': 40,
}

/** Options of {@link jsonLinesSink}. */
export interface JsonLinesSinkOptions {
  /**
   * Hash-chain the lines (tamper evidence, checked by `curfew audit verify`): `true` for SHA-256, or
   * options with an HMAC `key` and a `service` name. The first line written is the chain's head.
   */
  chain?: boolean | AuditChainOptions
}

/**
 * Writes one JSON object per line, with pino-compatible fields: `level` (numeric: 30 info, 40 for
 * rejections and drift, 50 for store outages), `time` (epoch ms), `msg` (the event type), then the
 * event's fields. With `chain`, each line also carries `chain`, `seq`, `prev` and `hash` (see
 * `createAuditChain`). Stream errors are ignored so auditing can never break a request.
 *
 * @example
 * createSessionManager({ policy, audit: [jsonLinesSink(process.stdout)] })
 * // {"level":30,"time":1764212400000,"msg":"session.expired","type":"session.expired","session":"s_…","reason":"idle",…}
 * createSessionManager({ policy, audit: [jsonLinesSink(file, { chain: { service: 'billing' } })] })
 * // {…,"chain":"Zk3…","seq":42,"prev":"9f2c…","hash":"51ab…"}
 */
export function jsonLinesSink(stream: LineStream, options: JsonLinesSinkOptions = {}): AuditSink {
  stream.on?.('error', () => {})
  const chain =
    options.chain === undefined || options.chain === false
      ? undefined
      : createAuditChain(options.chain === true ? {} : options.chain)
  if (chain) stream.write(`${chain.head}\n`)
  return (event) => {
    const { type, time, ...rest } = event
    const line = JSON.stringify({ level: LEVELS[type] ?? 30, time, msg: type, type, ...rest })
    stream.write(`${chain ? chain.link(line) : line}\n`)
  }
}
