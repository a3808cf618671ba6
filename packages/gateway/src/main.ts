// `pnpm --filter @curfew/gateway start` and `node dist/main.js --config curfew.config.json`.
import { serve } from './serve'

const args = process.argv.slice(2)
const at = args.indexOf('--config')
const configPath = at >= 0 ? args[at + 1] : (process.env.CURFEW_CONFIG ?? 'curfew.config.json')
if (!configPath) {
  process.stderr.write('curfew serve: --config needs a file\n')
  process.exitCode = 2
} else {
  serve({ configPath }).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      process.stderr.write(`curfew serve: unexpected error: ${String(error)}\n`)
      process.exitCode = 1
    },
  )
}
