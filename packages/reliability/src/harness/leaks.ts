import type { AuditEvent } from '@curfew/server'

/**
 * The suite's token-leak ledger, one per test file (each file runs in its own worker): every token and
 * access JWT the server issued, and every text it emitted (audit events, JSON-lines logs, console
 * output). The setup file scans them all after each file: a token must never appear in any of them.
 */
const issued = new Set<string>()
const emitted: string[] = []

/** Remembers an issued secret (session token, successor token or access JWT). */
export function recordToken(token: string | undefined): void {
  if (token) issued.add(token)
}

/** Remembers what a manager emitted: its audit events and its log text. */
export function recordEvents(input: { events: readonly AuditEvent[]; log?: string }): void {
  for (const event of input.events) emitted.push(JSON.stringify(event))
  if (input.log) emitted.push(input.log)
}

/** Remembers any other emitted text (console output). */
export function recordText(text: string): void {
  emitted.push(text)
}

// A token may show up re-encoded: standard base64 instead of base64url, or as the hex of its bytes.
function forms(token: string): string[] {
  const bytes = Buffer.from(token, 'base64url')
  const list = [token]
  if (bytes.length >= 16) list.push(bytes.toString('base64').replace(/=+$/, ''), bytes.toString('hex'))
  return list
}

/** Every (token, text) pair where one of `tokens` appears, in any of its forms, in one of `texts`. */
export function scanForTokens(
  tokens: Iterable<string>,
  texts: readonly string[],
): Array<{ token: string; text: string }> {
  const leaks: Array<{ token: string; text: string }> = []
  for (const token of tokens) {
    const written = forms(token)
    for (const text of texts) {
      if (written.some((form) => text.includes(form))) leaks.push({ token, text: text.slice(0, 300) })
    }
  }
  return leaks
}

/** Every leak of an issued token into emitted text in this file so far; empty when nothing leaked. */
export function findLeaks(): Array<{ token: string; text: string }> {
  return scanForTokens(issued, emitted)
}

/** How much the ledger holds, for the report. */
export function ledgerSize(): { tokens: number; texts: number } {
  return { tokens: issued.size, texts: emitted.length }
}
