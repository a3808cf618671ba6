import { defineConfig, mergeConfig } from 'vitest/config'
import base from './vitest.config'

/**
 * `pnpm test:stress`: the same files with `CURFEW_STRESS=1` (set by the script), which raises every
 * count (see src/harness/scale.ts). Each loop is bounded in count and in time, so the run stops by itself.
 */
export default mergeConfig(
  base,
  defineConfig({ test: { testTimeout: 900_000, hookTimeout: 60_000, maxWorkers: 1 } }),
)
