// Builds the demo: the frontend with Vite, the backend bundled with esbuild. Workspace packages are
// bundled from source (the @curfew/source condition); npm dependencies stay external.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build as esbuild } from 'esbuild'
import { build as viteBuild } from 'vite'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

await viteBuild({ configFile: join(root, 'vite.config.ts'), root: join(root, 'web'), logLevel: 'warn' })
await esbuild({
  entryPoints: [join(root, 'server/main.ts')],
  outfile: join(root, 'dist/server.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  conditions: ['@curfew/source'],
  external: ['express', 'redis', 'ioredis', 'jose', 'fastify', '@opentelemetry/api', 'ws'],
  // oidc-provider's dependencies (koa, …) are CommonJS and require Node built-ins at run time.
  banner: {
    js: "import { createRequire as __demoCreateRequire } from 'node:module'; const require = __demoCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
})
console.log('demo built: dist/web (frontend), dist/server.js (backend)')
