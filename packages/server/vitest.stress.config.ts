import { defineConfig } from 'vitest/config'
import base from './vitest.config'

/**
 * `pnpm --filter @curfew/server test:stress` (with `CURFEW_STRESS=1`, set by the script): only the
 * `*.stress.test.ts` files, at full size, with `--expose-gc` so heap figures are measured after a
 * collection rather than at the garbage collector's whim. (Not `mergeConfig`: it would append to
 * `include` and run every test.)
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['src/**/*.stress.test.ts'],
    execArgv: ['--expose-gc'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    maxWorkers: 1,
  },
})
