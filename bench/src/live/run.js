// Live connections: N WebSockets held open on one process, each watched until its session ends
// (`@curfew/server/ws`). Measured: heap per watched session against the heap of the open socket itself,
// CPU while every socket sits idle (one shared timer: should be ≈ 0) against the same sockets unwatched,
// and the time from one revokeSubject to the last socket closed against closing them all directly
// (and to every watch told, without sockets: the part that is Curfew's, not the close handshakes').
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { createInterface } from 'node:readline'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { createSessionManager, MemoryStore } from '@curfew/server'
import { sessionUpgrade } from '@curfew/server/ws'
import { WebSocketServer } from 'ws'
import { fmt } from '../lib/stats.js'

const here = new URL('.', import.meta.url)

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc')

function heap() {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

async function idleCpu(ms) {
  const start = process.cpuUsage()
  await new Promise((resolve) => setTimeout(resolve, ms))
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1000 / ms // CPU ms per wall ms
}

// The first seconds after the last socket opened still carry the tail of the set-up (the last
// handshakes, V8's incremental marking after it): 1.6 % watched against 0.04 % unwatched in a first
// 2 s window of a run at load 5, then 0.01 % both in every later window. The idle cost of the watches
// is what stays once that has settled.
const SETTLE_MS = 2000
const IDLE_MS = 5000

/** Starts the server, opens `count` sockets from a child process; `watch` picks the upgrade handler. */
async function scenario({ count, watch }) {
  const manager = createSessionManager({
    policy: { idleTimeout: '15m', absoluteTimeout: '12h' },
    store: new MemoryStore(),
  })
  const tokens = []
  for (let i = 0; i < count; i++) tokens.push((await manager.create({ subject: 'bench-user' })).token)
  const server = createServer((_req, res) => res.end())
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false })
  const before = heap()
  if (watch) server.on('upgrade', sessionUpgrade(manager, { wss }))
  else server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, () => {}))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const child = spawn(process.execPath, [new URL('clients.js', here).pathname], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  child.stdin.write(`${JSON.stringify({ url: `ws://127.0.0.1:${server.address().port}/live`, tokens })}\n`)
  const opened = (await lines.next()).value
  if (opened !== 'open') throw new Error(`live bench: clients said ${opened}`)
  const heapPerSocket = (heap() - before) / count
  await idleCpu(SETTLE_MS)
  const cpu = await idleCpu(IDLE_MS)
  const started = performance.timeOrigin + performance.now()
  if (watch) await manager.revokeSubject('bench-user')
  else for (const ws of wss.clients) ws.close(4401, 'revoked')
  const [, lastClosed, codes] = (await lines.next()).value.split(' ')
  child.kill()
  wss.close()
  server.close()
  await manager.close()
  return { heapPerSocket, cpu, closeMs: Number(lastClosed) - started, codes: JSON.parse(codes) }
}

/** Curfew's own part of a revoke: revokeSubject → every watch told, with no socket to close. */
async function watchesOnly(count) {
  const manager = createSessionManager({
    policy: { idleTimeout: '15m', absoluteTimeout: '12h' },
    store: new MemoryStore(),
  })
  let told = 0
  let allTold
  const done = new Promise((resolve) => {
    allTold = resolve
  })
  for (let i = 0; i < count; i++) {
    const { token } = await manager.create({ subject: 'bench-user' })
    const result = await manager.validate(token, { activity: false })
    manager.watch(result.session, () => {
      if (++told === count) allTold(performance.now())
    })
  }
  const started = performance.now()
  await manager.revokeSubject('bench-user')
  const ms = (await done) - started
  await manager.close()
  return ms
}

export async function runLive({ quick }) {
  const count = quick ? 1000 : 10_000
  const plain = await scenario({ count, watch: false })
  const watched = await scenario({ count, watch: true })
  const toldMs = await watchesOnly(count)
  if (watched.codes['4401'] !== count)
    throw new Error(`live bench: close codes ${JSON.stringify(watched.codes)}`)
  const watchBytes = watched.heapPerSocket - plain.heapPerSocket
  const n = fmt.int(count)
  return {
    rows: [
      {
        section: 'Live',
        name: `heap per open ws socket, unwatched (${n} sockets)`,
        value: `${fmt.int(plain.heapPerSocket)} B`,
        ratio: '1.00× socket',
      },
      {
        section: 'Live',
        name: `heap added per watched session (session + watch + auth state)`,
        value: `${fmt.int(watchBytes)} B`,
        ratio: `${fmt.x(watchBytes / plain.heapPerSocket)} socket`,
      },
      {
        section: 'Live',
        name: `idle CPU, ${n} sockets unwatched (${IDLE_MS / 1000} s after ${SETTLE_MS / 1000} s to settle)`,
        value: `${(plain.cpu * 100).toFixed(2)} %`,
        ratio: '',
      },
      {
        section: 'Live',
        name: `idle CPU, ${n} sockets watched (one timer, no polling; same windows)`,
        value: `${(watched.cpu * 100).toFixed(2)} %`,
        ratio: `${watched.cpu >= plain.cpu ? '+' : '−'}${(Math.abs(watched.cpu - plain.cpu) * 100).toFixed(2)} pt`,
        target: '≈ 0',
        met: watched.cpu - plain.cpu < 0.01,
      },
      {
        section: 'Live',
        name: `close all ${n} sockets directly (wss.clients → close)`,
        value: `${fmt.int(plain.closeMs)} ms`,
        ratio: '1.00× direct',
      },
      {
        section: 'Live',
        name: `revokeSubject → all ${n} watches told (no sockets: Curfew's own part)`,
        value: `${fmt.int(toldMs)} ms`,
        ratio: `${fmt.x(toldMs / plain.closeMs)} direct`,
      },
      {
        section: 'Live',
        name: `revokeSubject → last of ${n} watched sockets closed (4401)`,
        value: `${fmt.int(watched.closeMs)} ms`,
        ratio: `${fmt.x(watched.closeMs / plain.closeMs)} direct`,
      },
    ],
  }
}
