import type { ViteUserConfig as UserConfig } from 'vitest/config'

/**
 * Workspace packages resolve to their `src/` through the `@curfew/source` export condition, so tests
 * never need a build. Vite resolves Node-side (SSR) imports with a separate condition list, so the
 * condition must be set for both or tests silently import a stale `dist/`.
 */
export const sourceConditions = ['@curfew/source', 'module', 'browser', 'import', 'default']
const nodeConditions = ['@curfew/source', 'module', 'node', 'import', 'default']

export const sourceResolve: Pick<UserConfig, 'resolve' | 'ssr'> = {
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: nodeConditions, externalConditions: ['@curfew/source'] } },
}
