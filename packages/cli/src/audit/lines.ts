import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'

/**
 * Reads a file as batches of lines (without the newline), holding only one chunk and one partial
 * line at a time, so a 1 GB log costs a few hundred kilobytes. Batches rather than single lines keep
 * the per-line cost to a loop iteration instead of a promise.
 */
export async function* lineBatches(path: string): AsyncGenerator<string[]> {
  let rest = ''
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 })
  for await (const chunk of stream as AsyncIterable<string>) {
    const parts = (rest + chunk).split('\n')
    rest = parts.pop() ?? ''
    if (parts.length) yield parts
  }
  if (rest !== '') yield [rest]
}

/** Opens and closes each file once, so an unreadable input is reported before any verdict. */
export async function assertReadable(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const handle = await open(path, 'r')
    await handle.close()
  }
}
