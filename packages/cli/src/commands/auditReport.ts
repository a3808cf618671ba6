import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { type ChartLibrary, renderAuditReport } from '../audit/reportHtml'
import { createReportStats } from '../audit/reportStats'
import { type AuditVerification, UnreadableInputError, verifyAuditLogs } from '../audit/verifyLogs'
import { CliError, EXIT, type ExitCode } from '../exitCodes'
import type { CliIO } from '../io'
import { type AuditVerifyOptions, prepareAuditInputs } from './auditVerify'

/** Options of `curfew audit report`: those of `verify`, and where to write the HTML. */
export interface AuditReportOptions extends AuditVerifyOptions {
  out: string
  /** Clock for the "generated" line (tests). */
  now?: () => number
}

/** uPlot's browser build and stylesheet, read from the installed package and inlined into the report. */
export async function loadChartLibrary(): Promise<ChartLibrary> {
  const resolve = createRequire(import.meta.url).resolve
  const [script, style] = await Promise.all([
    readFile(resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    readFile(resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  ])
  return { script, style }
}

/**
 * `curfew audit report`: verifies the logs (as `verify` does) and writes one self-contained HTML file
 * for an assessor. Exit code as `verify`: 0 pass, 1 violations, 2 unreadable input.
 *
 * @example
 * await runAuditReport({ files: ['api.log'], policyFile: 'policy.json', out: 'report.html' }, nodeIO)
 */
export async function runAuditReport(
  options: AuditReportOptions,
  io: CliIO,
): Promise<{ result: AuditVerification; exitCode: ExitCode; out: string }> {
  const inputs = await prepareAuditInputs(options, io)
  const stats = createReportStats(inputs.policies)
  let result: AuditVerification
  try {
    result = await verifyAuditLogs({
      files: options.files,
      ...inputs,
      onLine: stats.onLine,
      onSessionDone: stats.onSessionDone,
    })
  } catch (error) {
    if (error instanceof UnreadableInputError) {
      throw new CliError({ message: error.message, exitCode: EXIT.usage, cause: error })
    }
    throw error
  }
  const html = renderAuditReport({
    result,
    stats: stats.finish(),
    chart: await loadChartLibrary(),
    generatedAt: (options.now ?? Date.now)(),
  })
  if (!io.writeFile)
    throw new CliError({ message: 'This environment cannot write files', exitCode: EXIT.usage })
  await io.writeFile(options.out, html)
  return { result, exitCode: result.verdict === 'pass' ? EXIT.ok : EXIT.mismatch, out: options.out }
}
