import { afterAll, expect } from 'vitest'
import { findLeaks, ledgerSize, recordText } from './leaks'
import { watchProcess } from './watch'

// Every file, whatever it tests: no promise may be left rejected with nobody listening, nothing thrown.
const watch = watchProcess()

// Everything written to the console during the file counts as a log line the scan must check.
for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
  const original = console[method].bind(console)
  console[method] = (...args: unknown[]) => {
    recordText(args.map((arg) => (typeof arg === 'string' ? arg : safeJson(arg))).join(' '))
    original(...args)
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return String(value)
  }
}

afterAll(() => {
  watch.stop()
  expect(watch.rejections, 'unhandled rejections in this file').toEqual([])
  expect(watch.exceptions, 'uncaught exceptions in this file').toEqual([])
  const size = ledgerSize()
  if (process.env.CURFEW_LEDGER) console.info(`token ledger: ${size.tokens} tokens, ${size.texts} texts`)
  expect(findLeaks(), 'an issued token appeared in an audit event, a log line or console output').toEqual([])
})
