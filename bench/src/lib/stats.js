// Small statistics helpers. Every ratio in the table is a ratio of medians taken in the same run.

/** Median of a list of numbers (mean of the middle two for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** The q-quantile (0..1) of a list of numbers, nearest rank. */
export function quantile(values, q) {
  const sorted = Float64Array.from(values).sort()
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[rank]
}

/**
 * Runs every variant once per round, in the same order (A B C A B C …), so slow drifts of a shared
 * machine hit all variants alike. Returns the list of results of each variant by name.
 */
export async function alternate(options) {
  const { rounds, variants, run } = options
  const results = Object.fromEntries(variants.map((v) => [v, []]))
  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) results[variant].push(await run(variant, round))
  }
  return results
}

/** Runs `op` from `concurrency` async workers for `ms` milliseconds; returns operations per second. */
export async function throughput(options) {
  const { op, concurrency, ms } = options
  let count = 0
  const end = performance.now() + ms
  const start = performance.now()
  const worker = async () => {
    while (performance.now() < end) {
      // Batches of 16 keep the clock reads out of the measurement.
      for (let i = 0; i < 16; i++) await op()
      count += 16
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return (count / (performance.now() - start)) * 1000
}

export const fmt = {
  int: (n) => Math.round(n).toLocaleString('en-US'),
  ms: (n) => (n < 1 ? `${(n * 1000).toFixed(0)} µs` : `${n.toFixed(n < 10 ? 2 : 1)} ms`),
  us: (n) => `${n.toFixed(n < 10 ? 2 : 1)} µs`,
  kb: (bytes) => `${(bytes / 1024).toFixed(2)} KB`,
  x: (r) => `${r.toFixed(2)}×`,
}
