#!/usr/bin/env node
// Compiles src/consumer.ts as each kind of consumer on each TypeScript, and prints a result matrix.
// Exit 1 when any cell fails. Run after `npm run setup`. Runs two compilers at a time (CURFEW_TSC_JOBS
// changes it): a TypeScript 5.9 tsc uses one core, so one at a time left the second core idle.
import { spawn } from 'node:child_process'
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
const cells = []
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
  for (const [compiler, tsc] of Object.entries(COMPILERS)) cells.push({ consumer, compiler, tsc, dir })
}

/** One tsc run; its time is its own, from spawn to exit (with two at a time they overlap). */
function compile({ consumer, compiler, tsc, dir }) {
  const started = performance.now()
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')])
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk) => (output += chunk))
    const done = (status) => {
      output = output.trim()
      resolve({
        consumer,
        compiler,
        ok: status === 0,
        errors: (output.match(/error TS\d+/g) ?? []).length,
        seconds: ((performance.now() - started) / 1000).toFixed(1),
        output,
      })
    }
    child.on('error', (error) => {
      output += `\n${error.message}`
      done(null)
    })
    child.on('close', done)
  })
}

// Bounded concurrency: each worker takes the next cell until none is left; results keep the cell order.
const jobs = Math.max(1, Number(process.env.CURFEW_TSC_JOBS) || 2)
const results = new Array(cells.length)
let next = 0
async function worker() {
  while (next < cells.length) {
    const index = next++
    results[index] = await compile(cells[index])
  }
}
const started = performance.now()
await Promise.all(Array.from({ length: Math.min(jobs, cells.length) }, worker))
const wall = ((performance.now() - started) / 1000).toFixed(1)

for (const result of results) {
  const verdict = result.ok ? 'ok' : `FAILED (${result.errors} errors)`
  console.log(
    `${result.consumer.padEnd(12)} ${result.compiler.padEnd(7)} ${verdict.padEnd(20)} ${result.seconds} s`,
  )
  if (!result.ok) console.log(result.output.replace(/^/gm, '    '))
}
console.log(`${cells.length} cells, ${jobs} at a time: ${wall} s`)
process.exitCode = results.every((result) => result.ok) ? 0 : 1
