import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { definePolicy, type PolicyDocument, type PolicyInput, policyFingerprint } from '@curfew/core'
import type { CliIO } from '../io'

/** A policy document exactly as a Curfew service states it. */
export function documentFor(policies: PolicyInput[]): PolicyDocument {
  return {
    protocol: 'curfew/1',
    serverTime: Date.now(),
    defaultPolicy: policies[0]?.name ?? 'default',
    policies: policies.map((input) => {
      const p = definePolicy(input)
      return {
        name: p.name,
        idleTimeout: p.idleTimeout,
        absoluteTimeout: p.absoluteTimeout,
        warnBefore: p.warnBefore,
        touchInterval: p.touchInterval,
        renewEvery: p.renewEvery,
        renewGrace: p.renewGrace,
        fingerprint: policyFingerprint(p),
      }
    }),
  }
}

/** A real HTTP server on loopback answering GET /session/policy with `body`. */
export async function serve(
  body: unknown,
  status = 200,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/session/policy') {
      res.writeHead(404).end()
      return
    }
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(typeof body === 'string' ? body : JSON.stringify(body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/session`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** In-process IO that captures output; real fetch and file system. */
export function captureIO(): CliIO & { out: string[]; err: string[] } {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    fetch: (...args) => fetch(...args),
    readFile: (path) => readFile(path, 'utf8'),
  }
}

export async function tempFile(
  name: string,
  content: string,
): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'curfew-cli-'))
  const path = join(dir, name)
  await writeFile(path, content)
  return { path, cleanup: () => rm(dir, { recursive: true, force: true }) }
}
