import { defineConfig } from 'vitest/config'
import { sourceResolve } from '../../vitest.shared'

export default defineConfig({
  ...sourceResolve,
  test: {
    include: ['e2e/**/*.test.ts'],
    globalSetup: ['e2e/globalSetup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One Chromium at a time on a 2-core machine.
    fileParallelism: false,
  },
})
