import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'adapters/express/index': 'src/adapters/express/index.ts',
    'adapters/fastify/index': 'src/adapters/fastify/index.ts',
    'adapters/fetch/index': 'src/adapters/fetch/index.ts',
    'oidc/index': 'src/oidc/index.ts',
    'adapters/ws/index': 'src/adapters/ws/index.ts',
    'adapters/socket.io/index': 'src/adapters/socket.io/index.ts',
    'adapters/sse/index': 'src/adapters/sse/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'node',
  external: ['openid-client', 'express', 'fastify', 'redis', 'ioredis', '@opentelemetry/api'],
})
