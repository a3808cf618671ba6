import { defineConfig } from 'vitest/config'
import { sourceResolve } from '../../vitest.shared'

export default defineConfig({
  ...sourceResolve,
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Type tests (`*.test-d.ts`): the public types, checked by tsc with `expectTypeOf`.
    typecheck: {
      enabled: true,
      include: ['src/**/__tests__/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
    testTimeout: 20_000,
    hookTimeout: 20_000,
    globalSetup: ['test/redisCluster.globalSetup.ts'],
  },
})
