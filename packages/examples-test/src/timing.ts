/** Runs one step of an example and prints how long it took. */
export function step<T>(name: string, run: () => T): T {
  const started = performance.now()
  const result = run()
  if (result instanceof Promise) {
    return result.finally(() => report(name, started)) as T
  }
  report(name, started)
  return result
}

function report(name: string, started: number): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  process.stdout.write(`[examples] ${name}: ${seconds} s\n`)
}
