import {
  AggregationTemporality,
  DataPointType,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'

/**
 * A real OpenTelemetry SDK pipeline: MeterProvider → PeriodicExportingMetricReader → in-memory
 * exporter. `read()` forces an export and answers from the exported data, as a backend would see it.
 */
export function otelPipeline() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
  // A long interval: exports happen only when the test asks (forceFlush), never on a timer.
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })
  const provider = new MeterProvider({ readers: [reader] })

  async function points(name: string) {
    await reader.forceFlush()
    const exports = exporter.getMetrics()
    const latest = exports[exports.length - 1]
    const metric = latest?.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name)
    return metric
  }

  return {
    provider,
    meter: provider.getMeter('curfew'),
    /** Sum of a counter's points whose attributes include `attrs`. */
    async count(name: string, attrs: Record<string, string> = {}): Promise<number> {
      const metric = await points(name)
      if (!metric || metric.dataPointType !== DataPointType.SUM) return 0
      return metric.dataPoints
        .filter((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v))
        .reduce((sum, p) => sum + (p.value as number), 0)
    },
    /** Recorded values of a histogram (count, sum, unit) for points whose attributes include `attrs`. */
    async histogram(name: string, attrs: Record<string, string> = {}) {
      const metric = await points(name)
      if (!metric || metric.dataPointType !== DataPointType.HISTOGRAM) return { count: 0, sum: 0, unit: '' }
      const matching = metric.dataPoints.filter((p) =>
        Object.entries(attrs).every(([k, v]) => p.attributes[k] === v),
      )
      return {
        count: matching.reduce((n, p) => n + (p.value as Histogram).count, 0),
        sum: matching.reduce((n, p) => n + ((p.value as Histogram).sum ?? 0), 0),
        unit: metric.descriptor.unit,
      }
    },
    shutdown: () => provider.shutdown(),
  }
}
