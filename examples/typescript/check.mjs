#!/usr/bin/env node
// Compiles src/consumer.ts as each kind of consumer on each TypeScript, and prints a result matrix.
// Exit 1 when any cell fails. Run after `npm run setup`.
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const COMPILERS = {
  'ts 5.9': join(here, 'node_modules/typescript/bin/tsc'),
  'ts 7': join(here, 'node_modules/typescript7/bin/tsc'),
}
const CONSUMERS = {
  'cjs node16': { file: 'consumer.cts', module: 'node16', moduleResolution: 'node16' },
  'esm node16': { file: 'consumer.mts', module: 'node16', moduleResolution: 'node16' },
  'esm bundler': { file: 'consumer.ts', module: 'esnext', moduleResolution: 'bundler' },
}

const work = join(here, '.matrix')
rmSync(work, { recursive: true, force: true })
const results = []
for (const [consumer, setup] of Object.entries(CONSUMERS)) {
  const dir = join(work, consumer.replace(' ', '-'))
  mkdirSync(dir, { recursive: true })
  copyFileSync(join(here, 'src/consumer.ts'), join(dir, setup.file))
  const tsconfig = {
    compilerOptions: {
      target: 'es2022',
      module: setup.module,
      moduleResolution: setup.moduleResolution,
      lib: ['es2022', 'dom'],
      types: ['node'],
      typeRoots: [join(here, 'node_modules/@types')],
      strict: true,
      skipLibCheck: false,
      noEmit: true,
      esModuleInterop: true,
    },
    files: [setup.file],
  }
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2))
  for (const [compiler, tsc] of Object.entries(COMPILERS)) {
    const started = performance.now()
    const run = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' })
    const output = `${run.stdout}${run.stderr}`.trim()
    results.push({
      consumer,
      compiler,
      ok: run.status === 0,
      errors: (output.match(/error TS\d+/g) ?? []).length,
      seconds: ((performance.now() - started) / 1000).toFixed(1),
      output,
    })
  }
}

for (const result of results) {
  const verdict = result.ok ? 'ok' : `FAILED (${result.errors} errors)`
  console.log(
    `${result.consumer.padEnd(12)} ${result.compiler.padEnd(7)} ${verdict.padEnd(20)} ${result.seconds} s`,
  )
  if (!result.ok) console.log(result.output.replace(/^/gm, '    '))
}
process.exitCode = results.every((result) => result.ok) ? 0 : 1
