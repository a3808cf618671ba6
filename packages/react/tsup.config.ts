import { copyFile } from 'node:fs/promises'
import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2020',
  platform: 'browser',
  external: ['react', 'react/jsx-runtime', '@curfew/client'],
  // Every export is a hook or a component with state, so the whole entry is a client module: Next.js App
  // Router layouts (Server Components) can then render <SessionTimeoutProvider> directly.
  banner: { js: "'use client'" },
  // The optional stylesheet ships as-is at `@curfew/react/styles.css`.
  onSuccess: () => copyFile('src/styles.css', 'dist/styles.css'),
})
