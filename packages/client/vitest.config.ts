import { defineConfig } from 'vitest/config'
import { sourceResolve } from '../../vitest.shared'

export default defineConfig({
  ...sourceResolve,
  test: {
    projects: [
      {
        ...sourceResolve,
        test: {
          name: 'unit',
          include: ['src/**/__tests__/*.test.ts'],
          // Type tests (`*.test-d.ts`): the public types, checked by tsc with `expectTypeOf`.
          typecheck: {
            enabled: true,
            include: ['src/**/__tests__/*.test-d.ts'],
            tsconfig: './tsconfig.json',
          },
        },
      },
      {
        // Real Chromium against a real server over HTTP; one file at a time (two cores are shared).
        ...sourceResolve,
        test: {
          name: 'browser',
          include: ['test/browser/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          // Polls wait on the browser and the network, which a busy machine slows down.
          expect: { poll: { timeout: 15_000 } },
        },
      },
    ],
  },
})
