import { createHash } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { CliIO } from '../../io'
import { runCli } from '../../run'
import type { AuditVerification } from '../verifyLogs'
import { type GeneratedLogs, generateLogs, MIN } from './generateLogs'

function io(env: Record<string, string> = {}): CliIO & { out: string[]; err: string[] } {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    fetch: (...args) => fetch(...args),
    readFile: (path) => readFile(path, 'utf8'),
    writeFile: (path, text) => writeFile(path, text),
    env,
  }
}

async function verify(
  logs: GeneratedLogs,
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<{ code: number; result: AuditVerification; text: string }> {
  const capture = io(env)
  const code = await runCli(
    ['audit', 'verify', ...logs.files, '--policy', logs.policyFile, '--json', ...extra],
    capture,
  )
  const text = capture.out.join('\n')
  return {
    code,
    result: code === 2 ? ({} as AuditVerification) : JSON.parse(text),
    text: text + capture.err.join('\n'),
  }
}

async function lines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter(Boolean)
}

async function rewrite(path: string, edit: (lines: string[]) => string[]): Promise<void> {
  await writeFile(path, `${edit(await lines(path)).join('\n')}\n`)
}

/** What an attacker who knows the format but not a key does: re-chains every line after an edit. */
function rechain(all: string[]): string[] {
  let prev = '0'.repeat(64)
  return all.map((line) => {
    const cut = line.lastIndexOf(',"prev":"')
    const content = `${line.slice(0, cut)},"prev":"${prev}"}`
    const hash = createHash('sha256').update(`${prev}\n${content}`).digest('hex')
    prev = hash
    return `${content.slice(0, -1)},"hash":"${hash}"}`
  })
}

const indexOf = (all: string[], pred: (e: Record<string, unknown>) => boolean) =>
  all.findIndex((line) => pred(JSON.parse(line)))

let logs: GeneratedLogs | undefined
afterEach(async () => {
  await logs?.cleanup()
  logs = undefined
})

describe.each(['memory', 'redis'] as const)(
  'curfew audit verify on logs written by managers over a %s store',
  (store) => {
    it('passes the untouched logs of two services: every chain intact, every session proven', async () => {
      logs = await generateLogs({ store })
      const { code, result } = await verify(logs)
      expect(result.violations).toEqual([])
      expect(code).toBe(0)
      expect(result.verdict).toBe('pass')
      expect(result.chains.map((c) => c.service).sort()).toEqual(['api', 'web'])
      expect(result.sessions).toBe(6)
      expect(result.sessionsWithoutEvidence).toBe(0)
      const all = [...(await lines(logs.files[0]!)), ...(await lines(logs.files[1]!))].map((l) =>
        JSON.parse(l),
      )
      const types = new Set(all.map((e) => e.type))
      for (const type of [
        'session.created',
        'session.activity',
        'session.expired',
        'session.revoked',
        'connection.closed',
      ]) {
        expect(types).toContain(type)
      }
      expect(
        all
          .filter((e) => e.type === 'session.expired')
          .map((e) => e.reason)
          .sort(),
      ).toEqual(['absolute', 'idle', 'idle'])
      // The cut-offs the watches audited: the WebSocket at its session's idle deadline, and the SSE
      // stream on api when web revoked its session (over the store's fleet channel).
      const cutOffs = all.filter((e) => e.type === 'connection.closed')
      expect(cutOffs).toEqual([
        expect.objectContaining({
          session: logs.handles.revoked,
          reason: 'revoked',
          meta: { transport: 'sse' },
        }),
        expect.objectContaining({
          session: logs.handles.cutoff,
          reason: 'idle',
          meta: { transport: 'websocket' },
        }),
      ])
      // The SSE cut-off is in api's own chain (its file comes first), though web did the revoke.
      expect(cutOffs[0].chain).toBe(JSON.parse((await lines(logs.files[0]!))[0]!).chain)
    })
  },
)

describe('curfew audit verify names each tampering', () => {
  it('a deleted line', async () => {
    logs = await generateLogs({ store: 'memory' })
    await rewrite(logs.files[0]!, (all) => all.filter((_, i) => i !== 3))
    const { code, result } = await verify(logs)
    expect(code).toBe(1)
    expect(result.violations).toContainEqual(
      expect.objectContaining({ rule: 'chain.deleted', file: logs.files[0], line: 4 }),
    )
  })

  it('an inserted line (a copy of another, or an unchained one)', async () => {
    logs = await generateLogs({ store: 'memory' })
    await rewrite(logs.files[0]!, (all) => [...all.slice(0, 3), all[1]!, ...all.slice(3)])
    await rewrite(logs.files[1]!, (all) => [
      ...all.slice(0, 2),
      JSON.stringify({
        level: 30,
        time: JSON.parse(all[1]!).time,
        type: 'session.revoked',
        session: 's_AAAAAAAAAAAAAAAA',
      }),
      ...all.slice(2),
    ])
    const { code, result } = await verify(logs)
    expect(code).toBe(1)
    expect(result.violations).toContainEqual(
      expect.objectContaining({ rule: 'chain.inserted', file: logs.files[0], line: 4 }),
    )
    expect(result.violations).toContainEqual(
      expect.objectContaining({ rule: 'chain.unchained', file: logs.files[1], line: 3 }),
    )
  })

  it('reordered lines', async () => {
    logs = await generateLogs({ store: 'memory' })
    await rewrite(logs.files[0]!, (all) => [...all.slice(0, 2), all[3]!, all[2]!, ...all.slice(4)])
    const { code, result } = await verify(logs)
    expect(code).toBe(1)
    expect(result.violations).toContainEqual(
      expect.objectContaining({ rule: 'chain.reordered', file: logs.files[0], line: 4 }),
    )
    expect(result.violationsByRule['chain.deleted']).toBeUndefined()
  })

  it('an edited time', async () => {
    logs = await generateLogs({ store: 'memory' })
    await rewrite(logs.files[1]!, (all) =>
      all.map((line, i) =>
        i === 2 ? line.replace(/"time":(\d+)/, (_, t) => `"time":${Number(t) - 1000}`) : line,
      ),
    )
    const { code, result } = await verify(logs)
    expect(code).toBe(1)
    expect(result.violations).toEqual([
      expect.objectContaining({ rule: 'chain.edited', file: logs.files[1], line: 3 }),
    ])
  })

  it('a forged accepted request after the idle deadline, even with the chain recomputed', async () => {
    logs = await generateLogs({ store: 'memory' })
    const handle = logs.handles.idle
    await rewrite(logs.files[0]!, (all) => {
      const at = indexOf(all, (e) => e.type === 'session.activity' && e.session === handle)
      const forged = JSON.parse(all[at]!)
      forged.time += 18 * MIN // 18 min after the last recorded activity: beyond the 15 min idle timeout
      const { chain: _c, seq: _s, prev: _p, hash: _h, ...content } = forged
      const line = `${JSON.stringify(content).slice(0, -1)},"chain":"${forged.chain}","seq":0,"prev":""}`
      const out = [...all.slice(0, at + 1), line, ...all.slice(at + 1)]
      return rechain(out.map((l, i) => l.replace(/"seq":\d+/, `"seq":${i}`)))
    })
    const { code, result } = await verify(logs)
    expect(code).toBe(1)
    // Named first; the later expiry then looks early against the forged activity, which is named too.
    expect(result.violations[0]).toMatchObject({
      rule: 'session.accepted_after_idle_deadline',
      session: handle,
      file: logs.files[0],
    })
    expect(result.violationsByRule['chain.edited']).toBeUndefined()
  })

  it('the same forgery in an HMAC-keyed chain is named on the forged line', async () => {
    const key = 'audit-chain-key-kept-off-the-log-host'
    logs = await generateLogs({ store: 'memory', key })
    const handle = logs.handles.idle
    let forgedLine = 0
    await rewrite(logs.files[0]!, (all) => {
      const at = indexOf(all, (e) => e.type === 'session.activity' && e.session === handle)
      const previous = JSON.parse(all[at]!)
      const { chain: _c, seq: _s, prev: _p, hash: _h, ...content } = previous
      const body = `${JSON.stringify({ ...content, time: previous.time + 18 * MIN }).slice(0, -1)},"chain":"${previous.chain}","seq":${previous.seq + 1},"prev":"${previous.hash}"}`
      // Without the key the forger can only use plain SHA-256.
      const hash = createHash('sha256').update(`${previous.hash}\n${body}`).digest('hex')
      forgedLine = at + 2
      return [...all.slice(0, at + 1), `${body.slice(0, -1)},"hash":"${hash}"}`, ...all.slice(at + 1)]
    })
    const keyFile = join(logs.dir, 'key')
    await writeFile(keyFile, key)
    const { code, result } = await verify(logs, ['--key-file', keyFile])
    expect(code).toBe(1)
    expect(result.violations[0]).toMatchObject({
      rule: 'chain.edited',
      file: logs.files[0],
      line: forgedLine,
    })
    const viaEnv = await verify(logs, [], { CURFEW_AUDIT_KEY: key })
    expect(viaEnv.result.violations[0]).toMatchObject({ rule: 'chain.edited', line: forgedLine })
  })

  it('refuses to pass an HMAC chain without its key (exit 2)', async () => {
    logs = await generateLogs({ store: 'memory', key: 'k'.repeat(32) })
    const { code, text } = await verify(logs)
    expect(code).toBe(2)
    expect(text).toMatch(/HMAC-SHA-256.*--key-file/)
  })
})

describe('curfew audit verify against the policy in force', () => {
  it('fails a log written under a looser policy, naming the rule, the session and the line', async () => {
    logs = await generateLogs({
      store: 'memory',
      policy: { idleTimeout: '30m', absoluteTimeout: '2h', warnBefore: '2m', touchInterval: '1m' },
    })
    const { code, result, text } = await verify(logs)
    expect(code).toBe(1)
    // Bob's 20-minute absence was accepted under 30 min; --policy says 15 min.
    expect(result.violations).toContainEqual(
      expect.objectContaining({ rule: 'session.accepted_after_idle_deadline', session: logs.handles.idle }),
    )
    // Carol's session was still accepted after an hour; --policy caps it at 1 h.
    expect(result.violations).toContainEqual(
      expect.objectContaining({
        rule: 'session.accepted_after_absolute_deadline',
        session: logs.handles.absolute,
      }),
    )
    const human = io()
    await runCli(['audit', 'verify', ...logs.files, '--policy', logs.policyFile], human)
    expect(human.out.join('\n')).toMatch(/FAIL[\s\S]*session\.accepted_after_idle_deadline/)
    expect(text).toContain(logs.handles.idle)
  })

  it('tolerates event types and reasons it does not know', async () => {
    logs = await generateLogs({ store: 'memory' })
    const extra = JSON.stringify({
      type: 'session.teleported',
      time: 1,
      session: logs.handles.logout,
      reason: 'quantum',
    })
    await rewrite(logs.files[0]!, (all) =>
      rechain(
        [...all, extra.replace(/}$/, ',"chain":"x","seq":0,"prev":""}')].map((l, i) =>
          l.replace(/"chain":"[^"]*","seq":\d+/, `"chain":"${JSON.parse(all[0]!).chain}","seq":${i}`),
        ),
      ),
    )
    const { code, result } = await verify(logs)
    expect(result.violations).toEqual([])
    expect(code).toBe(0)
  })

  it('exits 2 on an unreadable file and names it', async () => {
    logs = await generateLogs({ store: 'memory' })
    const capture = io()
    const code = await runCli(
      ['audit', 'verify', join(logs.dir, 'missing.log'), '--policy', logs.policyFile],
      capture,
    )
    expect(code).toBe(2)
    expect(capture.err.join('\n')).toContain('missing.log')
  })

  it('reports a line that is not JSON as malformed', async () => {
    logs = await generateLogs({ store: 'memory' })
    await rewrite(logs.files[1]!, (all) => [...all.slice(0, 4), '{"time": 12, oops', ...all.slice(4)])
    const { code, result } = await verify(logs)
    expect(code).toBe(1)
    expect(result.violations).toContainEqual(
      expect.objectContaining({ rule: 'line.malformed', file: logs.files[1], line: 5 }),
    )
  })
})
