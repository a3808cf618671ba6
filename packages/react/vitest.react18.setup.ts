import Module from 'node:module'

// react-dom@18 is installed as the `react-dom18` alias, but pnpm links its `react` peer to React 19.
// Node (not Vite) loads these CommonJS files, so Vite aliases never see their `require('react')`;
// redirect those requires to the `react18` package here.
const redirects: Record<string, string> = {
  react: 'react18',
  'react/jsx-runtime': 'react18/jsx-runtime',
  'react/jsx-dev-runtime': 'react18/jsx-dev-runtime',
  'react-dom': 'react-dom18',
  'react-dom/client': 'react-dom18/client',
  'react-dom/server': 'react-dom18/server',
  'react-dom/test-utils': 'react-dom18/test-utils',
}
const here = new URL('./', import.meta.url).pathname
const internals = Module as unknown as {
  _resolveFilename(request: string, parent: unknown, ...rest: unknown[]): string
}
const original = internals._resolveFilename
internals._resolveFilename = function resolveReact18(request, parent, ...rest) {
  const target = redirects[request]
  return target
    ? original.call(this, target, { paths: [here] }, ...rest)
    : original.call(this, request, parent, ...rest)
}
