/**
 * The slice of OpenTelemetry's `Meter` Curfew uses. Structural, so `@opentelemetry/api` stays an
 * optional peer: pass `metrics.getMeter('curfew')` (or any compatible meter) and nothing else is needed.
 */
export interface MeterLike {
  createCounter(name: string, options?: { description?: string; unit?: string }): CounterLike
  createHistogram(
    name: string,
    options?: { description?: string; unit?: string; advice?: { explicitBucketBoundaries?: number[] } },
  ): HistogramLike
}

export type MetricAttributes = Record<string, string>

export interface CounterLike {
  add(value: number, attributes?: MetricAttributes): void
}

export interface HistogramLike {
  record(value: number, attributes?: MetricAttributes): void
}

/**
 * The `metrics` option. Default (omitted): the global OpenTelemetry meter provider's meter `curfew`,
 * when `@opentelemetry/api` is installed (no-op otherwise). `{ meter }`: that meter. `false`: off.
 */
export type MetricsOption = false | { meter: MeterLike }

/** Loads the global meter if `@opentelemetry/api` can be imported; `undefined` when it cannot. */
export async function globalMeter(): Promise<MeterLike | undefined> {
  try {
    // A variable specifier keeps bundlers from insisting on the optional peer.
    const specifier = '@opentelemetry/api'
    const api = (await import(/* @vite-ignore */ specifier)) as {
      metrics?: { getMeter(name: string): MeterLike }
    }
    return api.metrics?.getMeter('curfew')
  } catch {
    return undefined
  }
}
