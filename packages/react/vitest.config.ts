import { defineConfig } from 'vitest/config'
import { sourceResolve } from '../../vitest.shared'

export default defineConfig({
  ...sourceResolve,
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['./vitest.setup.ts'],
    env: { CURFEW_REACT_MAJOR: '19' },
    testTimeout: 20_000,
    // Type tests (`*.test-d.tsx`): the public types, checked by tsc with `expectTypeOf`.
    typecheck: { enabled: true, include: ['src/**/__tests__/*.test-d.tsx'], tsconfig: './tsconfig.json' },
  },
})
