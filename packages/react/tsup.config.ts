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
  // The optional stylesheet ships as-is at `@curfew/react/styles.css`.
  onSuccess: () => copyFile('src/styles.css', 'dist/styles.css'),
})
