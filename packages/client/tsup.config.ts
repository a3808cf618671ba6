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
    // published code is smaller (size-limit). A name added here must never cross the bundle's edge,
    // nor be a method the bundle calls on outside objects (Map, Headers, BroadcastChannel: so never get,
    // set or close). The unit tests run the source; src/__tests__/published.test.ts runs a bundle with this list.
    options.mangleProps =
      /^(stateTime|owner|switched|sentAt|ticking|activityAt|onMessage|onLeader|onOpen|onActivity|onWake|run|has|clear|send|cancel|post|body)$/
  },
})
