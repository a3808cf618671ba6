/** The rules `curfew audit verify` checks; each violation names one. */
export type AuditRule =
  | 'chain.edited'
  | 'chain.deleted'
  | 'chain.inserted'
  | 'chain.reordered'
  | 'chain.broken'
  | 'chain.unchained'
  | 'line.malformed'
  | 'policy.unknown_tier'
  | 'session.accepted_after_idle_deadline'
  | 'session.accepted_after_absolute_deadline'
  | 'session.accepted_after_end'
  | 'session.duplicate_end'
  | 'session.missing_end'
  | 'session.expired_before_deadline'
  | 'connection.cutoff_late'
  | 'connection.cutoff_early'

/** Where a line is: the file and its 1-based line number. */
export interface LineRef {
  file: string
  line: number
}

/** One broken rule, with the evidence an assessor needs to look it up. */
export interface AuditViolation extends LineRef {
  rule: AuditRule
  /** Session handle, when the rule is about a session. */
  session?: string
  /** The event's time (epoch ms), when known. */
  time?: number
  message: string
}

/** Formats a line reference as `file:line`. */
export function at(ref: LineRef): string {
  return `${ref.file}:${ref.line}`
}
