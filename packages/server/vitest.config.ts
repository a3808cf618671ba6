import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['@curfew/source'] },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
})
