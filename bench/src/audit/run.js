// Audit: `curfew audit verify` on a generated 1,000,000-event chained log (chains, deadlines, end
// events), against reading and JSON-parsing the same file (the floor any verifier pays).
import { execFile } from 'node:child_process'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { definePolicy, policyFingerprint } from '@curfew/core'
import { fmt, median } from '../lib/stats.js'
import { generateLog } from './generate.js'

const run = promisify(execFile)
const CHILD = new URL('./child.js', import.meta.url).pathname
const POLICY = { idleTimeout: '15m', absoluteTimeout: '12h' }

async function child(args) {
  const { stdout } = await run(process.execPath, [CHILD, ...args], { maxBuffer: 1 << 20 })
  return JSON.parse(stdout)
}

export async function runAudit({ quick }) {
  const events = quick ? 200_000 : 1_000_000
  const dir = await mkdtemp(join(tmpdir(), 'curfew-bench-audit-'))
  try {
    const file = join(dir, 'audit.log')
    const policyFile = join(dir, 'policy.json')
    await writeFile(policyFile, JSON.stringify(POLICY))
    await generateLog({ path: file, events, fingerprint: policyFingerprint(definePolicy(POLICY)) })
    const { size } = await stat(file)
    const rounds = quick ? 1 : 3
    const verify = []
    const parse = []
    for (let i = 0; i < rounds; i++) {
      parse.push(await child(['parse', file]))
      verify.push(await child(['verify', file, policyFile]))
    }
    const last = verify[verify.length - 1]
    if (last.verdict !== 'pass') throw new Error(`bench log did not verify: ${last.violations} violation(s)`)
    const ms = median(verify.map((r) => r.ms))
    const anchor = median(parse.map((r) => r.ms))
    const rss = Math.max(...verify.map((r) => r.maxRssMB))
    // CPU time too: on a shared machine the wall time mostly measures the other processes.
    const cpu = median(verify.map((r) => r.cpuMs))
    const anchorCpu = median(parse.map((r) => r.cpuMs))
    const label = `${fmt.int(events)} events, ${(size / 1e6).toFixed(0)} MB`
    return {
      rows: [
        {
          section: 'Audit',
          name: `read + JSON.parse, ${label}`,
          value: `${(anchor / 1000).toFixed(2)} s`,
          ratio: '1.00× parse',
        },
        {
          section: 'Audit',
          name: `curfew audit verify, ${label}`,
          value: `${(ms / 1000).toFixed(2)} s`,
          ratio: `${(ms / anchor).toFixed(2)}× parse`,
          target: quick ? '' : '< 10 s',
          met: quick ? undefined : ms < 10_000,
        },
        {
          section: 'Audit',
          name: `curfew audit verify CPU time (user + system), ${label}`,
          value: `${(cpu / 1000).toFixed(2)} s`,
          ratio: `${(cpu / anchorCpu).toFixed(2)}× parse CPU (${(anchorCpu / 1000).toFixed(2)} s)`,
        },
        {
          section: 'Audit',
          name: `curfew audit verify peak memory (maxRSS), ${label}`,
          value: `${rss.toFixed(0)} MB`,
          ratio: `${(Math.max(...parse.map((r) => r.maxRssMB)) ? rss / Math.max(...parse.map((r) => r.maxRssMB)) : 0).toFixed(2)}× parse`,
          target: quick ? '' : '< 200 MB',
          met: quick ? undefined : rss < 200,
        },
      ],
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
