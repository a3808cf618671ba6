import { defineConfig } from 'tsup'

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  platform: 'browser',
  external: ['broadcast-channel', '@curfew/core'],
  esbuildOptions(options) {
    // Property names that stay inside this bundle (never in the public types, a server answer or a
    // message between tabs, which two versions of the SDK share) are shortened like variables: the
    // published code is smaller (size-limit). A name added here must never cross the bundle's edge.
    options.mangleProps = /^(stateTime|owner|switched|sentAt|ticking|activityAt)$/
  },
})
