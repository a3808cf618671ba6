import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { adapters, login, MINUTE, startApp, T0 } from '../../harness/app'
import { rawRequest } from '../../harness/raw'
import { scale } from '../../harness/scale'
import {
  memoryKind,
  redisClusterIoRedisKind,
  redisClusterNodeRedisKind,
  redisKind,
  type StoreKind,
  stopReliabilityCluster,
} from '../../harness/stores'
import { watchProcess } from '../../harness/watch'
import { headerSafe } from '../headerSafe'
import { tokenMutation } from '../mutate'
import { fuzzCase } from '../requests'
import { judge } from '../verdict'

// Per adapter and per configuration; two configurations, so 2 × RUNS requests per adapter.
const RUNS = scale({ fast: 1_000, stress: 10_000 })
// On the Redis Cluster, per adapter and per cluster client: the same input, fewer of it (each client
// gets its own run, and a cluster round trip costs more).
const CLUSTER_RUNS = scale({ fast: 200, stress: 2_000 })
const RENEWING = {
  idleTimeout: '15m',
  absoluteTimeout: '1h',
  touchInterval: 0,
  renewEvery: '10m',
  renewGrace: '30s',
}

/** Plain (MemoryStore), and everything on (RedisStore, renewal, access tokens) so those paths face the same input. */
const configs = [
  { name: 'memory store', kind: memoryKind, options: {} },
  {
    name: 'Redis store, renewal and access tokens',
    kind: redisKind,
    options: { policy: RENEWING, tokens: { secret: 'a-test-secret-of-at-least-32-bytes!!' } },
  },
] as const
const cases = adapters.flatMap((adapter) => configs.map((config) => ({ adapter, config })))

type Config = {
  name: string
  kind: StoreKind
  options: Omit<Parameters<typeof startApp>[0], 'adapter' | 'store'>
}

/** `runs` generated hostile requests through one adapter on one store: typed refusals, never a 5xx. */
async function hostileRequests(options: {
  adapter: (typeof adapters)[number]
  config: Config
  runs: number
  watch: ReturnType<typeof watchProcess>
}): Promise<void> {
  const { adapter, config, runs, watch } = options
  const clock = { now: T0 }
  const { store, dispose } = await config.kind.create(() => clock.now)
  const app = await startApp({ adapter, store, ...config.options })
  clock.now = app.clock.now
  const sync = app.clock.advance.bind(app.clock)
  app.clock.advance = (ms) => {
    sync(ms)
    clock.now = app.clock.now
  }
  const statuses = new Map<number, number>()
  try {
    const victim = await login(app, 'victim')
    const bait = await login(app, 'bait')
    app.clock.advance(MINUTE)
    const before = await fetch(`${app.url}/session`, { headers: { cookie: victim.cookie } })
    const victimBefore = await before.json()
    expect(victimBefore.state).toBe('active')

    await fc.assert(
      fc.asyncProperty(fuzzCase(bait.token), async ({ request, carriesBait }) => {
        const response = await rawRequest({ port: app.port }, request)
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
        const problem = judge({ request, response, carriesBait })
        if (problem) throw new Error(problem)
      }),
      { numRuns: runs },
    )

    const after = await fetch(`${app.url}/session`, { headers: { cookie: victim.cookie } })
    expect(after.status).toBe(200)
    const victimAfter = await after.json()
    expect(victimAfter).toEqual(victimBefore)
    expect(watch.rejections).toEqual([])
    expect(watch.exceptions).toEqual([])
    console.info(
      `${adapter.name} (${config.name}): ${runs} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    )
  } finally {
    await app.close()
    await dispose()
  }
}

describe.each(cases)(
  '$adapter.name adapter under generated hostile requests ($config.name)',
  ({ adapter, config }) => {
    const watch = watchProcess()
    afterAll(() => watch.stop())

    it(`answers ${RUNS} generated requests with a typed 4xx (or 2xx for the intact token), never a 5xx, and leaves another session untouched`, () =>
      hostileRequests({ adapter, config, runs: RUNS, watch }))

    it('refuses every mutation of a live token, as cookie and as bearer, with 401 and a typed reason', async () => {
      const app = await startApp({ adapter })
      try {
        const { token } = await login(app)
        // Control characters cannot travel in a header; a mutation that is only those is the token again.
        const mutations = new Set(fc.sample(tokenMutation(token), { numRuns: 300, seed: 42 }).map(headerSafe))
        mutations.delete(token)
        for (const mutation of mutations) {
          for (const headers of [
            [['cookie', `curfew_session=${mutation}`]],
            [['authorization', `Bearer ${mutation}`]],
          ] as Array<Array<[string, string]>>) {
            const response = await rawRequest({ port: app.port }, { method: 'GET', path: '/api/me', headers })
            expect(response.status, `${JSON.stringify(headers)} → ${response.body}`).toBe(401)
            expect(JSON.parse(response.body).reason).toMatch(/^(malformed|unknown|missing)$/)
          }
        }
        expect(
          (await fetch(`${app.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status,
        ).toBe(200)
      } finally {
        await app.close()
      }
    })
  },
)

const clusterConfigs = [redisClusterNodeRedisKind, redisClusterIoRedisKind].map(
  (kind): Config => ({
    name: `${kind.name} store, renewal and access tokens`,
    kind,
    options: { policy: RENEWING, tokens: { secret: 'a-test-secret-of-at-least-32-bytes!!' } },
  }),
)
const clusterCases = adapters.flatMap((adapter) => clusterConfigs.map((config) => ({ adapter, config })))

describe('on a Redis Cluster store (the bad input the store refuses is refused the same way)', () => {
  afterAll(() => stopReliabilityCluster(), 60_000)

  describe.each(clusterCases)('$adapter.name adapter ($config.name)', ({ adapter, config }) => {
    const watch = watchProcess()
    afterAll(() => watch.stop())

    it(
      `answers ${CLUSTER_RUNS} generated requests with a typed 4xx (or 2xx for the intact token), never a 5xx, and leaves another session untouched`,
      () => hostileRequests({ adapter, config, runs: CLUSTER_RUNS, watch }),
      120_000,
    )
  })
})
