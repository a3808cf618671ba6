// Shared Stryker settings for `pnpm test:mutation` (see docs/testing.md). Each package's
// stryker.config.mjs names the files to mutate and the vitest config that tests them.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export const shared = {
  testRunner: 'vitest',
  // pnpm's layout hides the runner from Stryker's plugin discovery: name it.
  plugins: ['@stryker-mutator/vitest-runner'],
  // The vitest runner always measures coverage per test; `related` runs only the test files that
  // import the mutated file.
  coverageAnalysis: 'perTest',
  // Two cores shared with other work: one test process at a time.
  concurrency: 1,
  // A direct child of the repository root, so a sandbox sits two levels down like a package does and
  // the packages' `../../vitest.shared` and `../../tsconfig.base.json` resolve inside it.
  tempDirName: '../../.stryker-tmp',
  // …which is also why Stryker must not rewrite the sandbox's tsconfig `extends` (it assumes the default
  // depth): name a file no package has, and the paths stay as they are.
  tsconfigFile: 'tsconfig.stryker-keeps-paths.json',
  reporters: ['clear-text', 'progress', 'json'],
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  thresholds: { high: 95, low: 90, break: 90 },
  ignorePatterns: ['dist', 'coverage', 'reports', '.turbo'],
}
