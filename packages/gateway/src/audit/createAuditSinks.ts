import { createWriteStream, type WriteStream } from 'node:fs'
import { type AuditSink, jsonLinesSink } from '@curfew/server'
import type { GatewayConfig } from '../config/schema'

/** The audit sinks named by `config.audit`, and how to flush them on shutdown. */
export function createAuditSinks(config: GatewayConfig['audit']): {
  sinks: AuditSink[]
  close(): Promise<void>
} {
  if (config === false) return { sinks: [], close: async () => {} }
  if (config === 'stdout') return { sinks: [jsonLinesSink(process.stdout)], close: async () => {} }
  const stream: WriteStream = createWriteStream(config.file, { flags: 'a' })
  return {
    sinks: [jsonLinesSink(stream)],
    close: () =>
      new Promise<void>((resolve) => {
        stream.end(() => resolve())
      }),
  }
}
