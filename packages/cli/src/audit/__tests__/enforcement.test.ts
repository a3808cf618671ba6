import { describe, expect, it } from 'vitest'
import type { StatedPolicy } from '../../policyFile'
import { type AuditLine, createEnforcementChecker } from '../enforcement'
import type { AuditViolation } from '../violations'

const MIN = 60_000
const T = Date.UTC(2026, 0, 1)
const POLICY: StatedPolicy = {
  name: 'default',
  idleTimeout: 15 * MIN,
  absoluteTimeout: 60 * MIN,
  warnBefore: 2 * MIN,
  touchInterval: MIN,
  renewEvery: 0,
  renewGrace: 0,
  fingerprint: 'p1_test',
}

function check(lines: AuditLine[]): AuditViolation[] {
  const violations: AuditViolation[] = []
  const checker = createEnforcementChecker({
    policies: [POLICY],
    tolerance: 2000,
    report: (v) => violations.push(v),
  })
  for (const [i, line] of lines.entries()) checker.feed(line, { file: 'app.log', line: i + 1 }, 'app')
  checker.finish()
  return violations
}

const created = (session: string, time = T): AuditLine => ({
  type: 'session.created',
  time,
  session,
  policy: 'default',
  authTime: time,
  evidence: true,
})

describe('enforcement rules', () => {
  it('holds a session to its own notAfter cap when it is earlier than the tier’s absolute deadline', () => {
    const capped = { ...created('s_cap'), notAfter: T + 20 * MIN }
    const v = check([
      capped,
      { type: 'session.activity', time: T + 10 * MIN, session: 's_cap' },
      { type: 'session.activity', time: T + 21 * MIN, session: 's_cap' },
      { type: 'session.expired', time: T + 22 * MIN, session: 's_cap', reason: 'absolute' },
      // A later notAfter never extends the tier's deadline.
      { ...created('s_late', T), notAfter: T + 120 * MIN },
      { type: 'session.activity', time: T + 61 * MIN, session: 's_late' },
      { type: 'session.expired', time: T + 62 * MIN, session: 's_late', reason: 'absolute' },
    ])
    expect(v).toEqual([
      expect.objectContaining({
        rule: 'session.accepted_after_absolute_deadline',
        session: 's_cap',
        line: 3,
        message: expect.stringContaining("capped by the session's notAfter"),
      }),
      expect.objectContaining({
        rule: 'session.accepted_after_absolute_deadline',
        session: 's_late',
        line: 6,
      }),
    ])
  })

  it('names a second end event of one session', () => {
    const v = check([
      created('s_a'),
      { type: 'session.revoked', time: T + MIN, session: 's_a', reason: 'logout' },
      { type: 'session.expired', time: T + 16 * MIN, session: 's_a', reason: 'idle' },
    ])
    expect(v).toEqual([expect.objectContaining({ rule: 'session.duplicate_end', session: 's_a', line: 3 })])
  })

  it('names a socket cut off later than the tolerance after its idle deadline, and one cut off early', () => {
    const v = check([
      created('s_a'),
      created('s_b'),
      {
        type: 'connection.closed',
        time: T + 15 * MIN + 1000,
        session: 's_a',
        reason: 'idle',
        meta: { transport: 'websocket' },
      },
      {
        type: 'connection.closed',
        time: T + 15 * MIN + 30_000,
        session: 's_b',
        reason: 'idle',
        meta: { transport: 'sse' },
      },
      created('s_c', T + 20 * MIN),
      {
        type: 'connection.closed',
        time: T + 25 * MIN,
        session: 's_c',
        reason: 'idle',
        meta: { transport: 'websocket' },
      },
    ])
    expect(v).toEqual([
      expect.objectContaining({ rule: 'connection.cutoff_late', session: 's_b', line: 4 }),
      expect.objectContaining({ rule: 'connection.cutoff_early', session: 's_c', line: 6 }),
    ])
  })

  it('names a socket left open after its session was revoked', () => {
    const v = check([
      created('s_a'),
      { type: 'session.revoked', time: T + MIN, session: 's_a', reason: 'logout' },
      {
        type: 'connection.closed',
        time: T + 2 * MIN,
        session: 's_a',
        reason: 'logout',
        meta: { transport: 'websocket' },
      },
    ])
    expect(v).toEqual([expect.objectContaining({ rule: 'connection.cutoff_late', line: 3 })])
  })

  it('names a request accepted after the session ended, and a refusal with no end event', () => {
    const v = check([
      created('s_a'),
      created('s_b'),
      { type: 'session.revoked', time: T + MIN, session: 's_a', reason: 'revoked' },
      { type: 'session.activity', time: T + 2 * MIN, session: 's_a' },
      { type: 'session.rejected', time: T + 20 * MIN, session: 's_b', reason: 'idle' },
      { type: 'session.activity', time: T + 21 * MIN, session: 's_a' },
    ])
    expect(v.map((x) => [x.rule, x.line])).toEqual([
      ['session.accepted_after_end', 4],
      ['session.accepted_after_end', 6],
      ['session.missing_end', 5],
    ])
  })

  it('lets another process accept a request in the millisecond a session ended, not later or in the same log', () => {
    const violations: AuditViolation[] = []
    const checker = createEnforcementChecker({
      policies: [POLICY],
      tolerance: 2000,
      report: (v) => violations.push(v),
    })
    const feed = (line: AuditLine, file: string, n: number) => checker.feed(line, { file, line: n }, file)
    feed(created('s_a'), 'api.log', 1)
    feed({ type: 'session.revoked', time: T + MIN, session: 's_a', reason: 'revoked' }, 'api.log', 2)
    // Same millisecond, another process: merged after the end, but it raced it.
    feed({ type: 'session.activity', time: T + MIN, session: 's_a' }, 'web.log', 1)
    // Same millisecond in the log that ended it, and a later millisecond elsewhere: after the end.
    feed({ type: 'session.activity', time: T + MIN, session: 's_a' }, 'api.log', 3)
    feed({ type: 'session.activity', time: T + MIN + 1, session: 's_a' }, 'web.log', 2)
    checker.finish()
    expect(violations.map((v) => [v.rule, v.file, v.line])).toEqual([
      ['session.accepted_after_end', 'api.log', 3],
      ['session.accepted_after_end', 'web.log', 2],
    ])
  })

  it('judges sessions without activity records only by the absolute deadline', () => {
    const v = check([
      { ...created('s_a'), evidence: undefined },
      { type: 'session.refreshed', time: T + 40 * MIN, session: 's_a' },
      { type: 'session.refreshed', time: T + 61 * MIN, session: 's_a' },
    ])
    expect(v).toEqual([
      expect.objectContaining({ rule: 'session.accepted_after_absolute_deadline', line: 3 }),
    ])
  })

  it('names a session under a tier the policy file does not define', () => {
    const v = check([{ ...created('s_a'), policy: 'admin' }])
    expect(v).toEqual([expect.objectContaining({ rule: 'policy.unknown_tier', session: 's_a' })])
  })
})
