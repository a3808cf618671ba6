import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { lineBatches } from '../lines'

describe('lineBatches', () => {
  it('gives back every line of a multi-megabyte file, multi-byte characters intact across chunk cuts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'curfew-lines-'))
    try {
      const expected = Array.from({ length: 60_000 }, (_, i) =>
        i % 7 === 0 ? `{"subject":"Zoë-${i}-😀-日本"}` : `{"n":${i},"pad":"${'x'.repeat(i % 50)}"}`,
      )
      const path = join(dir, 'log')
      await writeFile(path, `${expected.join('\n')}\n{"last":"no newline é"}`)
      const seen: string[] = []
      for await (const batch of lineBatches(path)) seen.push(...batch)
      expect(seen).toEqual([...expected, '{"last":"no newline é"}'])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
