// Bundle size: esbuild (bundle + minify, ESM, browser, react external) then gzip -9, of what an app
// ships: `export *` of each package, so everything it exports counts, tree-shaken the same way for all.
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { fmt } from '../lib/stats.js'

const BENCH_DIR = new URL('../../', import.meta.url).pathname
const REACT = ['react', 'react-dom', 'react/jsx-runtime']

async function size(options) {
  const result = await build({
    stdin: { contents: options.entry, resolveDir: BENCH_DIR, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    external: options.external,
    write: false,
    logLevel: 'error',
    metafile: true,
  })
  const code = result.outputFiles[0].contents
  return { min: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength }
}

async function cssSize() {
  const result = await build({
    entryPoints: ['@curfew/react/styles.css'],
    absWorkingDir: BENCH_DIR,
    bundle: true,
    minify: true,
    write: false,
    logLevel: 'error',
  })
  const code = result.outputFiles[0].contents
  return { min: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength }
}

export async function runBundle() {
  const client = "export * from '@curfew/client'"
  const react = "export * from '@curfew/react'"
  const sizes = {
    // Own code: our packages (with the parts of @curfew/core they use), third-party code external.
    client: await size({ entry: client, external: [...REACT, 'broadcast-channel'] }),
    react: await size({ entry: react, external: [...REACT, 'broadcast-channel', '@curfew/client'] }),
    own: await size({ entry: `${client}\n${react}`, external: [...REACT, 'broadcast-channel'] }),
    whole: await size({ entry: `${client}\n${react}`, external: REACT }),
    idleTimer: await size({ entry: "export * from 'react-idle-timer'", external: REACT }),
    css: await cssSize(),
  }
  const rit = sizes.idleTimer.gzip
  const row = (name, s, extra = {}) => ({
    section: 'Bundle',
    name,
    value: `${fmt.kb(s.gzip)} min+gzip (${fmt.kb(s.min)} min)`,
    ratio: `${fmt.x(s.gzip / rit)} RIT`,
    ...extra,
  })
  const rows = [
    row('react-idle-timer (RIT), everything', sizes.idleTimer),
    row('@curfew/client own code', sizes.client),
    row('@curfew/react own code', sizes.react),
    row('own code, client + react', sizes.own, {
      target: '≤ 4.5 KB and ≤ 0.5× RIT',
      met: sizes.own.gzip <= 4.5 * 1024 && sizes.own.gzip <= rit / 2,
    }),
    row('whole: client + react + broadcast-channel', sizes.whole, {
      target: '≤ 1.4× RIT',
      met: sizes.whole.gzip <= 1.4 * rit,
    }),
    row('@curfew/react/styles.css (optional)', sizes.css),
  ]
  return { summary: sizes, rows }
}
