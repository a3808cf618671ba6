import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'

/**
 * Tests that need the local Redis Cluster start it themselves (`redisCluster()` in the store tests);
 * this only tears it down after the run when the run started it, so a cluster started by hand with
 * `pnpm redis:cluster` is left running.
 */
const script = resolve(import.meta.dirname, '../../../scripts/redis-cluster.sh')
const base = process.env.CURFEW_CLUSTER_BASE ?? '7101'
const run = promisify(execFile)

async function up(): Promise<boolean> {
  try {
    await run(script, ['status', base])
    return true
  } catch {
    return false
  }
}

export default async function setup(): Promise<() => Promise<void>> {
  const wasUp = await up()
  return async () => {
    if (!wasUp) await run(script, ['stop', base]).catch(() => {})
  }
}
