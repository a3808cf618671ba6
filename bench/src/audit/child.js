// Runs in its own process so its peak memory (maxRSS) is the verifier's alone.
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { loadPolicyFile, nodeIO, verifyAuditLogs } from '@curfew/cli'

const [mode, file, policyFile] = process.argv.slice(2)
const started = performance.now()
const cpuAtStart = process.cpuUsage()
let outcome
if (mode === 'verify') {
  const policies = await loadPolicyFile(policyFile, nodeIO)
  const result = await verifyAuditLogs({ files: [file], policies, tolerance: 2000 })
  outcome = {
    verdict: result.verdict,
    violations: result.violationCount,
    lines: result.lines,
    sessions: result.sessions,
  }
} else {
  // The anchor: the least any verifier must do, read every line and parse it.
  let lines = 0
  for await (const line of createInterface({
    input: createReadStream(file),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    JSON.parse(line)
    lines += 1
  }
  outcome = { lines }
}
const ms = performance.now() - started
const cpu = process.cpuUsage(cpuAtStart)
const cpuMs = (cpu.user + cpu.system) / 1000
process.stdout.write(
  JSON.stringify({ ms, cpuMs, maxRssMB: process.resourceUsage().maxRSS / 1024, ...outcome }),
)
