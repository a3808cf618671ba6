import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { type BuildOptions, build } from 'esbuild'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import tsupConfig from '../../tsup.config'
import type { createSessionClient as Create } from '../client'

// The published dist shortens internal property names (`mangleProps` in tsup.config.ts), which the
// other tests never see: they run the source. This bundles the source with the same minifier settings
// and drives two tabs of it through the paths that use every shortened name.
const packageDir = fileURLToPath(new URL('../..', import.meta.url))
let dir: string
let createSessionClient: typeof Create

beforeAll(async () => {
  const esbuildOptions: { mangleProps?: RegExp } = {}
  ;(tsupConfig as { esbuildOptions: (options: object) => void }).esbuildOptions(esbuildOptions)
  expect(esbuildOptions.mangleProps).toBeInstanceOf(RegExp)
  // Inside the package, so `broadcast-channel` resolves from its node_modules.
  dir = mkdtempSync(join(packageDir, 'node_modules', '.published-test-'))
  const outfile = join(dir, 'index.mjs')
  const common: BuildOptions = {
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['@curfew/source'],
    logLevel: 'error',
  }
  // @curfew/core stays external, as in dist: its `Set#has` and `Map#has` calls are not renamed.
  await build({
    ...common,
    stdin: { contents: "export * from '@curfew/core'", resolveDir: packageDir },
    outfile: join(dir, 'core.mjs'),
  })
  await build({
    ...common,
    entryPoints: [join(packageDir, 'src/index.ts')],
    external: ['broadcast-channel'],
    plugins: [
      {
        name: 'core-beside',
        setup: (b) =>
          b.onResolve({ filter: /^@curfew\/core$/ }, () => ({ path: './core.mjs', external: true })),
      },
    ],
    mangleProps: esbuildOptions.mangleProps,
    outfile,
  })
  ;({ createSessionClient } = await import(pathToFileURL(outfile).href))
}, 60_000)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

const minute = 60_000

function fakeServer() {
  const requests: string[] = []
  const state = () => {
    const now = Date.now()
    return {
      state: 'active',
      serverTime: now,
      expiresAt: now + 10 * minute,
      idleExpiresAt: now + 10 * minute,
      absoluteExpiresAt: now + 60 * minute,
      expiresBy: 'idle',
      session: 'abc',
      subject: 'ada',
      policy: { idleTimeout: 10 * minute, warnBefore: minute },
    }
  }
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    requests.push(`${init?.method} ${String(input)}`)
    return String(input).endsWith('/logout')
      ? Response.json({ error: 'session_expired', reason: 'logout', serverTime: Date.now() }, { status: 401 })
      : Response.json(state())
  }
  return { requests, fetch: fetch as typeof globalThis.fetch }
}

describe('the published bundle (internal names shortened)', () => {
  it('two tabs elect one leader, share state, ask the leader and hear an end', async () => {
    const server = fakeServer()
    const channelName = `curfew-published-${process.pid}`
    const a = createSessionClient({ fetch: server.fetch, channelName })
    const b = createSessionClient({ fetch: server.fetch, channelName })
    a.start()
    b.start()
    try {
      await vi.waitFor(
        () => {
          expect([a.getSnapshot().status, b.getSnapshot().status]).toEqual(['active', 'active'])
          expect([a, b].filter((tab) => tab.getSnapshot().isLeader)).toHaveLength(1)
        },
        { timeout: 30_000, interval: 50 },
      )
      const follower = a.getSnapshot().isLeader ? b : a
      const leader = follower === a ? b : a
      expect((await follower.staySignedIn()).status).toBe('active')
      expect((await follower.refreshStatus()).subject).toBe('ada')
      expect(server.requests).toContain('POST /session/refresh')
      expect(leader.handleClose({ code: 4401, reason: 'revoked' })).toBe(true)
      await vi.waitFor(
        () => expect(follower.getSnapshot()).toMatchObject({ status: 'expired', reason: 'revoked' }),
        {
          timeout: 30_000,
          interval: 50,
        },
      )
    } finally {
      await Promise.all([a.stop(), b.stop()])
    }
  }, 60_000)

  it('a single tab checks, reports, follows app traffic and logs out', async () => {
    const server = fakeServer()
    const tab = createSessionClient({ fetch: server.fetch, crossTab: false })
    tab.start()
    try {
      await vi.waitFor(() => expect(tab.getSnapshot().status).toBe('active'), {
        timeout: 30_000,
        interval: 50,
      })
      const ticks = vi.fn()
      const unsubscribe = tab.subscribeCountdown(ticks)
      await vi.waitFor(() => expect(ticks).toHaveBeenCalled(), { timeout: 30_000, interval: 50 })
      unsubscribe()
      const { expiresAt, session } = tab.getSnapshot()
      const later = expiresAt! + minute
      const header = `v=1; s=active; t=${Date.now()}; e=${later}; i=${later}; a=${later}; b=idle; h=${session}`
      tab.handleResponse(new Response('', { headers: { 'Curfew-Session': header } }))
      expect(tab.getSnapshot().expiresAt).toBe(later)
      await tab.logout()
      expect(tab.getSnapshot()).toMatchObject({ status: 'expired', reason: 'logout' })
      expect(server.requests).toEqual(['GET /session', 'POST /session/logout'])
    } finally {
      await tab.stop()
    }
  }, 60_000)
})
