import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// Workspace packages are read from their src/ (the @curfew/source condition), so `pnpm demo` works
// right after `pnpm install`, with no package build first.
export default defineConfig({
  root: 'web',
  plugins: [react()],
  resolve: { conditions: ['@curfew/source', 'module', 'browser', 'import', 'default'] },
  build: { outDir: '../dist/web', emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/session': 'http://127.0.0.1:3000', '/api': 'http://127.0.0.1:3000' } },
})
