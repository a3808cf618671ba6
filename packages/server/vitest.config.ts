import { defineConfig } from 'vitest/config'
import { sourceResolve } from '../../vitest.shared'

// Node-side conditions without 'module': vitest passes them to Node as --conditions, and 'module'
// selects @opentelemetry/api's bundler-only ESM build (extensionless imports) that Node cannot load.
const nodeConditions = (sourceResolve.ssr?.resolve?.conditions ?? []).filter((c) => c !== 'module')

export default defineConfig({
  ...sourceResolve,
  ssr: { ...sourceResolve.ssr, resolve: { ...sourceResolve.ssr?.resolve, conditions: nodeConditions } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
})
