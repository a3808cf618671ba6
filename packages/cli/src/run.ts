import { cac } from 'cac'
import { runAuditReport } from './commands/auditReport'
import { formatAuditVerification, runAuditVerify } from './commands/auditVerify'
import { formatCheckReport, runCheck } from './commands/check'
import { runPolicy } from './commands/policy'
import { runServe } from './commands/serve'
import { formatSessionsReport, runSessions } from './commands/sessions'
import { CliError, EXIT, type ExitCode } from './exitCodes'
import type { CliIO } from './io'

function list(value: unknown): string[] | undefined {
  if (value === undefined || value === true) return undefined
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

/**
 * Runs the `curfew` command line with the given arguments and resolves its exit code. Never calls
 * `process.exit`, so it can run in-process in tests and other tools.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), nodeIO)
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<ExitCode> {
  const cli = cac('curfew')
  let pending: Promise<ExitCode> | undefined

  cli
    .command('check [...urls]', 'Compare the policies that services state at GET <base>/policy')
    .option('--policy <file>', 'Reference policy file (default: the first service)')
    .option(
      '--compliance <rules>',
      'Comma-separated rules: pci-dss-4,nist-aal2,nist-aal3,hipaa,owasp-high-value,owasp-low-risk',
    )
    .option('--json', 'Print the report as JSON')
    .option('--timeout <ms>', 'Per-service timeout in ms', { default: 5000 })
    .example(
      'curfew check https://api.example.com/session https://app.example.com/session --compliance pci-dss-4',
    )
    .action((urls: string[], flags: Record<string, unknown>) => {
      pending = runCheck(
        {
          urls,
          ...(typeof flags.policy === 'string' ? { policyFile: flags.policy } : {}),
          compliance: list(flags.compliance) ?? [],
          timeoutMs: Number(flags.timeout),
        },
        io,
      ).then(({ report, exitCode }) => {
        io.stdout(flags.json ? JSON.stringify(report, null, 2) : formatCheckReport(report))
        return exitCode
      })
    })

  cli
    .command('policy <file>', 'Validate a policy file and print it with its fingerprint')
    .option('--compliance <rules>', 'Also check these rules')
    .option('--json', 'Print JSON')
    .action((file: string, flags: Record<string, unknown>) => {
      pending = runPolicy({ file, compliance: list(flags.compliance) ?? [], json: Boolean(flags.json) }, io)
    })

  cli
    .command('sessions', 'List the live sessions of a RedisStore with their deadlines, or the drifted ones')
    .option('--redis <url>', 'Redis URL (redis:// or rediss://)')
    .option('--prefix <prefix>', 'Key prefix of the RedisStore', { default: 'curfew:' })
    .option('--subject <subject>', "Only this subject's sessions")
    .option('--policy <file>', 'Policy file: deadlines, and the reference for --drift')
    .option('--drift', 'Only sessions out of line with --policy (exit 1 if any)')
    .option('--limit <n>', 'Most sessions listed (all are counted)', { default: 1000 })
    .option('--json', 'Print the report as JSON')
    .option('--timeout <ms>', 'Redis connect and command timeout in ms', { default: 5000 })
    .example('curfew sessions --redis redis://127.0.0.1:6379 --policy policy.json --drift')
    .action((flags: Record<string, unknown>) => {
      if (typeof flags.redis !== 'string' || flags.redis === '') {
        throw new CliError({ message: 'curfew sessions needs --redis <url>', exitCode: EXIT.usage })
      }
      pending = runSessions(
        {
          redis: flags.redis,
          prefix: String(flags.prefix),
          ...(flags.subject === undefined ? {} : { subject: String(flags.subject) }),
          ...(typeof flags.policy === 'string' ? { policyFile: flags.policy } : {}),
          drift: Boolean(flags.drift),
          limit: Number(flags.limit),
          timeoutMs: Number(flags.timeout),
        },
        io,
      ).then(({ report, exitCode }) => {
        io.stdout(flags.json ? JSON.stringify(report, null, 2) : formatSessionsReport(report))
        return exitCode
      })
    })

  cli
    .command(
      'audit <action> [...files]',
      'verify: check hash chains and prove enforcement from audit logs; report: write an offline HTML report',
    )
    .option('--policy <file>', 'The policy in force (required)')
    .option('--key-file <file>', 'HMAC key of the chains (else $CURFEW_AUDIT_KEY)')
    .option('--tolerance <duration>', 'How far an expiry or cut-off may land from its deadline', {
      default: '2s',
    })
    .option('--out <file>', 'report: the HTML file to write', { default: 'curfew-audit-report.html' })
    .option('--json', 'verify: print the result as JSON')
    .example('curfew audit verify api.log web.log --policy policy.json')
    .example('curfew audit report api.log web.log --policy policy.json --out report.html')
    .action((action: string, files: string[], flags: Record<string, unknown>) => {
      if (action !== 'verify' && action !== 'report') {
        throw new CliError({
          message: `Unknown audit action "${action}" (verify, report)`,
          exitCode: EXIT.usage,
        })
      }
      if (typeof flags.policy !== 'string' || flags.policy === '') {
        throw new CliError({ message: `curfew audit ${action} needs --policy <file>`, exitCode: EXIT.usage })
      }
      const options = {
        files,
        policyFile: flags.policy,
        ...(typeof flags.keyFile === 'string' ? { keyFile: flags.keyFile } : {}),
        tolerance: String(flags.tolerance),
        env: io.env ?? {},
      }
      pending =
        action === 'verify'
          ? runAuditVerify(options, io).then(({ result, exitCode }) => {
              io.stdout(flags.json ? JSON.stringify(result, null, 2) : formatAuditVerification(result))
              return exitCode
            })
          : runAuditReport({ ...options, out: String(flags.out) }, io).then(({ result, exitCode, out }) => {
              io.stdout(`${formatAuditVerification(result).split('\n')[0]} — report written to ${out}`)
              return exitCode
            })
    })

  cli
    .command(
      'serve',
      'Run the Curfew gateway: forward auth, reverse proxy, session protocol (needs @curfew/gateway)',
    )
    .option('--config <file>', 'The gateway config', { default: 'curfew.config.json' })
    .example('curfew serve --config curfew.config.json')
    .action((flags: Record<string, unknown>) => {
      pending = runServe({ configPath: String(flags.config) }, io)
    })

  cli.help()
  cli.version('0.0.0')

  try {
    cli.parse(['node', 'curfew', ...argv], { run: false })
    if (cli.options.help || cli.options.version) return EXIT.ok
    if (!cli.matchedCommand) {
      io.stderr(
        argv.length ? `Unknown command "${argv[0]}". Run "curfew --help".` : 'Run "curfew --help" for usage.',
      )
      return EXIT.usage
    }
    await cli.runMatchedCommand()
    return (await pending) ?? EXIT.ok
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`curfew: ${error.message}`)
      return error.exitCode
    }
    // cac's own errors (missing argument, unknown option) are usage errors.
    io.stderr(`curfew: ${(error as Error).message}`)
    return EXIT.usage
  }
}
