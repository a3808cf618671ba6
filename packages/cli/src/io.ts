import { readFile, writeFile } from 'node:fs/promises'

/** Everything a command touches outside itself, so tests can run commands in-process. */
export interface CliIO {
  stdout: (text: string) => void
  stderr: (text: string) => void
  fetch: typeof fetch
  readFile: (path: string) => Promise<string>
  writeFile?: (path: string, text: string) => Promise<void>
  /** Environment variables (e.g. `CURFEW_AUDIT_KEY`); default none. */
  env?: Record<string, string | undefined>
}

/** The real process streams, fetch and file system. */
export const nodeIO: CliIO = {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
  fetch: (...args) => fetch(...args),
  readFile: (path) => readFile(path, 'utf8'),
  writeFile: (path, text) => writeFile(path, text, 'utf8'),
  env: process.env,
}
