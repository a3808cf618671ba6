import { defineConfig } from 'vitest/config'
import { sourceResolve } from '../../vitest.shared'

export default defineConfig({
  ...sourceResolve,
  test: {
    include: ['src/**/*.test.ts'],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/__tests__/**', 'src/index.ts', 'src/wire.ts'],
      thresholds: { lines: 95, branches: 95, functions: 95, statements: 95 },
    },
  },
})
