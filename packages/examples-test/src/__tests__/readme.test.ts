import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXAMPLES, exampleDir } from '../paths'

function between(text: string, start: string, end: string): string {
  const from = text.indexOf(start)
  const to = text.indexOf(end, from + start.length)
  if (from < 0 || to < 0) throw new Error(`markers ${start} … ${end} not found`)
  return text.slice(from + start.length, to).trim()
}

describe('root README', () => {
  it('shows, as "the server in ten lines", exactly the code examples/express4 runs', () => {
    const readme = readFileSync(join(EXAMPLES, '../README.md'), 'utf8')
    const server = readFileSync(join(exampleDir('express4'), 'server.js'), 'utf8')
    const shown = between(between(readme, '### The server in ten lines', '\n### '), '```js', '```')
    const ran = server.slice(
      server.indexOf('\n', server.indexOf('// README:start')) + 1,
      server.indexOf('// README:end'),
    )
    expect(shown).toBe(ran.trim())
  })
})

describe('server README, Next.js section', () => {
  it("shows examples/next's currentSession (cookies() in a Server Component) as the example runs it", () => {
    const readme = readFileSync(join(EXAMPLES, '../packages/server/README.md'), 'utf8')
    const section = between(readme, '#### Next.js (App Router)', '\n## ')
    const lib = readFileSync(join(exampleDir('next'), 'lib/curfew.ts'), 'utf8')
    const ran = lib.slice(lib.indexOf('\n', lib.indexOf('// README:start')) + 1, lib.indexOf('// README:end'))
    expect(ran).toContain('await cookies()')
    expect(section).toContain(ran.trim())
    // The snippet's imports are the example's, so it compiles as shown.
    for (const line of lib.split('\n').filter((line) => line.startsWith('import '))) {
      expect(section).toContain(line)
    }
  })
})

describe('server README, Hono section', () => {
  it("shows examples/hono's requireSession (incoming, headerList) as the example runs it, with its imports", () => {
    const readme = readFileSync(join(EXAMPLES, '../packages/server/README.md'), 'utf8')
    const section = between(readme, '#### Hono', '\n#### ')
    const app = readFileSync(join(exampleDir('hono'), 'src/app.ts'), 'utf8')
    const ran = app.slice(app.indexOf('\n', app.indexOf('// README:start')) + 1, app.indexOf('// README:end'))
    expect(ran).toContain('incoming: c.env?.incoming')
    expect(section).toContain(ran.trim())
    for (const line of app.split('\n').filter((line) => line.startsWith('import '))) {
      if (line.includes("from './")) continue
      expect(section).toContain(line)
    }
  })
})
