import { shared } from '../../stryker.shared.mjs'

/** Mutation testing of the stores' decision code (`pnpm test:mutation`, see docs/testing.md). */
export default {
  ...shared,
  mutate: ['src/stores/judge.ts', 'src/stores/memory/memoryStore.ts'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
}
