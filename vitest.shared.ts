import type { ViteUserConfig as UserConfig } from 'vitest/config'

/**
 * Workspace packages resolve to their `src/` through the `@curfew/source` export condition, so tests
 * never need a build. Vite resolves Node-side (SSR) imports with a separate condition list, so the
 * condition must be set for both or tests silently import a stale `dist/`.
 */
export const sourceConditions = ['@curfew/source', 'module', 'browser', 'import', 'default']
// No 'import' here: these conditions also reach Node for externalised dependencies, and with 'import'
// a CommonJS `require()` of a dual package (express → router → is-promise) gets the ESM namespace
// object instead of the function. Vite adds import/require by itself per import kind.
const nodeConditions = ['@curfew/source', 'module', 'node', 'default']

export const sourceResolve: Pick<UserConfig, 'resolve' | 'ssr'> = {
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: nodeConditions, externalConditions: ['@curfew/source'] } },
}
