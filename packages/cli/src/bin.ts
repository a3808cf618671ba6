import { nodeIO } from './io'
import { runCli } from './run'

runCli(process.argv.slice(2), nodeIO).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`curfew: unexpected error: ${String(error)}\n`)
    process.exitCode = 70
  },
)
