import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import base from './vitest.config'

// Runs the same suite against React 18, installed as the `react18` and `react-dom18` aliases. Vite
// aliases cover our sources and Testing Library (inlined so its imports pass through Vite); the setup
// file covers the CommonJS `require('react')` calls inside react-dom@18 that Node resolves itself.
const at = (path: string) => fileURLToPath(new URL(`./node_modules/${path}`, import.meta.url))

export default defineConfig({
  ...base,
  resolve: {
    ...base.resolve,
    alias: [
      { find: /^react$/, replacement: at('react18/index.js') },
      { find: /^react\/jsx-runtime$/, replacement: at('react18/jsx-runtime.js') },
      { find: /^react\/jsx-dev-runtime$/, replacement: at('react18/jsx-dev-runtime.js') },
      { find: /^react-dom$/, replacement: at('react-dom18/index.js') },
      { find: /^react-dom\/client$/, replacement: at('react-dom18/client.js') },
      { find: /^react-dom\/server$/, replacement: at('react-dom18/server.js') },
      { find: /^react-dom\/test-utils$/, replacement: at('react-dom18/test-utils.js') },
      {
        find: /^@testing-library\/react$/,
        replacement: at('@testing-library/react/dist/@testing-library/react.esm.js'),
      },
    ],
  },
  test: {
    ...base.test,
    // The require redirect must be in place before anything loads react-dom.
    setupFiles: ['./vitest.react18.setup.ts', './vitest.setup.ts'],
    server: { deps: { inline: [/@testing-library/] } },
    env: { CURFEW_REACT_MAJOR: '18' },
    // The type tests ran once already, against the React types installed.
    typecheck: { enabled: false },
  },
})
