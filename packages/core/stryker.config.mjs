import { shared } from '../../stryker.shared.mjs'

/** Mutation testing of the policy and deadline rules (`pnpm test:mutation`, see docs/testing.md). */
export default {
  ...shared,
  mutate: [
    'src/deadline.ts',
    'src/duration.ts',
    'src/policy.ts',
    'src/compliance.ts',
    'src/fingerprint.ts',
    'src/header.ts',
  ],
  vitest: { configFile: 'vitest.config.ts', related: true },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
}
