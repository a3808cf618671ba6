// Bundle size: esbuild (bundle + minify, ESM, browser, react external) then gzip -9, of what an app
// ships: `export *` of each package, so everything it exports counts, tree-shaken the same way for all.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { fmt } from '../lib/stats.js'

const BENCH_DIR = new URL('../../', import.meta.url).pathname
// broadcast-channel is the client's dependency, not the bench's: its parts resolve from the client.
const CLIENT_DIR = dirname(createRequire(import.meta.url).resolve('@curfew/client/package.json'))
const REACT = ['react', 'react-dom', 'react/jsx-runtime']
// Issue 18's budgets (KB = 1,024 bytes, as printed).
const OWN_BUDGET = 4.5 * 1024
const REACT_BUDGET = 1.5 * 1024
const WHOLE_BUDGET = 1.4

// What broadcast-channel would weigh if a bundler could leave out the transports a browser with a native
// BroadcastChannel never runs: its method chooser, as loaded, lists only the native one. Its package
// offers no way to do this (its exports map has only "."), so this is a measure, not an option.
const nativeOnly = {
  name: 'broadcast-channel-native-only',
  setup(plugin) {
    plugin.onLoad(
      { filter: /broadcast-channel[\\/]dist[\\/]esbrowser[\\/]method-chooser\.js$/ },
      async (args) => {
        const source = await readFile(args.path, 'utf8')
        const contents = source
          .replace(/^import \{ (IndexedDBMethod|LocalstorageMethod) \}.*$/gm, '')
          .replace('IndexedDBMethod, LocalstorageMethod]', ']')
        // A new broadcast-channel that moved these lines must fail the bench, not measure nothing.
        if (contents.includes('IndexedDBMethod') || contents.includes('LocalstorageMethod')) {
          throw new Error('broadcast-channel method-chooser.js changed: update the native-only measure')
        }
        return { contents, loader: 'js' }
      },
    )
  },
}

async function size(options) {
  const result = await build({
    plugins: options.plugins ?? [],
    stdin: { contents: options.entry, resolveDir: options.dir ?? BENCH_DIR, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    external: options.external ?? [],
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
    // What broadcast-channel adds: as the client loads it (a dynamic import of the two parts it uses,
    // which esbuild cannot tree-shake), and by static named import, with and without leader election.
    channelLazy: await size({
      entry:
        "import('broadcast-channel').then(({ BroadcastChannel, createLeaderElection }) => console.log(BroadcastChannel, createLeaderElection))",
      dir: CLIENT_DIR,
    }),
    channelBoth: await size({
      entry: "export { BroadcastChannel, createLeaderElection } from 'broadcast-channel'",
      dir: CLIENT_DIR,
    }),
    channelOnly: await size({
      entry: "export { BroadcastChannel } from 'broadcast-channel'",
      dir: CLIENT_DIR,
    }),
    channelNative: await size({
      entry: "export { BroadcastChannel } from 'broadcast-channel'",
      dir: CLIENT_DIR,
      plugins: [nativeOnly],
    }),
  }
  const rit = sizes.idleTimer.gzip
  const row = (name, s, extra = {}) => ({
    section: 'Bundle',
    name,
    value: `${fmt.kb(s.gzip)} min+gzip (${fmt.kb(s.min)} min)`,
    ratio: `${fmt.x(s.gzip / rit)} RIT`,
    ...extra,
  })
  const election = {
    gzip: sizes.channelBoth.gzip - sizes.channelOnly.gzip,
    min: sizes.channelBoth.min - sizes.channelOnly.min,
  }
  const rows = [
    row('react-idle-timer (RIT), everything', sizes.idleTimer),
    row('@curfew/client own code (with the @curfew/core parts it uses)', sizes.client),
    row('@curfew/react own code, everything with the default dialog', sizes.react, {
      target: '≤ 1.5 KB',
      met: sizes.react.gzip <= REACT_BUDGET,
    }),
    row('own code, client + react', sizes.own, {
      target: '≤ 4.5 KB',
      met: sizes.own.gzip <= OWN_BUDGET,
    }),
    row('whole: client + react + broadcast-channel', sizes.whole, {
      target: '≤ 1.4× RIT',
      met: sizes.whole.gzip <= WHOLE_BUDGET * rit,
    }),
    row('broadcast-channel as the client loads it (lazy import of 2 parts)', sizes.channelLazy),
    row('broadcast-channel, BroadcastChannel + createLeaderElection (static import)', sizes.channelBoth),
    row('broadcast-channel, BroadcastChannel only (static import)', sizes.channelOnly),
    row('broadcast-channel leader election (the difference of the two above)', election),
    row(
      'broadcast-channel, BroadcastChannel only, native transport only (patched: its package cannot)',
      sizes.channelNative,
    ),
    row('@curfew/react/styles.css (optional)', sizes.css),
  ]
  return { summary: sizes, rows }
}
