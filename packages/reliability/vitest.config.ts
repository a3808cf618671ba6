import { defineConfig } from 'vitest/config'
import { sourceResolve } from '../../vitest.shared'

// Node-side conditions without 'module' (as in @curfew/server): it would select @opentelemetry/api's
// bundler-only ESM build, which Node cannot load.
const nodeConditions = (sourceResolve.ssr?.resolve?.conditions ?? []).filter((c) => c !== 'module')

/** The fast part, run by `pnpm test`: every attack at a smaller count. */
export default defineConfig({
  ...sourceResolve,
  ssr: { ...sourceResolve.ssr, resolve: { ...sourceResolve.ssr?.resolve, conditions: nodeConditions } },
  test: {
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/harness/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 30_000,
    // Files start servers and redis-servers: two at a time is all this machine's two cores can carry.
    maxWorkers: 2,
  },
})
