import type { ViteUserConfig as UserConfig } from 'vitest/config'

/**
 * Workspace packages resolve to their `src/` through the `@curfew/source` export condition, so tests
 * never need a build. Vite resolves Node-side (SSR) imports with a separate condition list, so the
 * condition must be set for both or tests silently import a stale `dist/`.
 */
export const sourceConditions = ['@curfew/source', 'module', 'browser', 'import', 'default']
// No 'import' and no 'module' here: these conditions also reach Node (as --conditions) for externalised
// dependencies. With 'import' a CommonJS `require()` of a dual package (express → router → is-promise)
// gets the ESM namespace object; 'module' selects bundler-only ESM builds (@opentelemetry/api) that
// Node cannot load. Vite adds import/require by itself per import kind.
const nodeConditions = ['@curfew/source', 'node', 'default']

export const sourceResolve: Pick<UserConfig, 'resolve' | 'ssr'> = {
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: nodeConditions, externalConditions: ['@curfew/source'] } },
}
