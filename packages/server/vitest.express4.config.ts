import { defineConfig } from 'vitest/config'
import { sourceConditions, sourceResolve } from '../../vitest.shared'

// The same Express conformance suite and adapter tests on Express 4 (installed as `express4`): every
// `import … from 'express'`, the adapter's own included, resolves to Express 4 here.
export default defineConfig({
  ...sourceResolve,
  resolve: { conditions: sourceConditions, alias: [{ find: /^express$/, replacement: 'express4' }] },
  test: {
    include: ['test/express.test.ts', 'src/adapters/express/**/*.test.ts'],
    env: { CURFEW_EXPRESS_MAJOR: '4' },
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
})
