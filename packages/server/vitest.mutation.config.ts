import { defineConfig } from 'vitest/config'
import { sourceResolve } from '../../vitest.shared'

/**
 * The tests Stryker runs against the stores' decision code (`pnpm test:mutation`, stryker.config.mjs):
 * the store contract (conformance on MemoryStore), the judge and the MemoryStore's own tests. No Redis,
 * no cluster, no type tests: the mutated files are judge.ts and memoryStore.ts.
 */
export default defineConfig({
  ...sourceResolve,
  test: {
    include: ['src/stores/__tests__/*.test.ts', 'src/stores/memory/__tests__/*.test.ts'],
  },
})
