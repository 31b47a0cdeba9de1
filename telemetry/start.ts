import { loadTelemetryConfig, type TelemetryConfig } from '../config/telemetry';
import { type MetricsServer, processRegistry, serveMetrics } from './metricsServer';
import type { Tracing } from './tracing';

export interface Telemetry {
  tracing?: Tracing;
  metrics?: MetricsServer;
  /** Flushes the last spans and closes /metrics. */
  stop(): Promise<void>;
}

/**
 * A process's telemetry, first thing at start-up: tracing when the OTEL_* variables ask for it
 * (otherwise OpenTelemetry is not even loaded), and GET /metrics on METRICS_PORT when set.
 */
export async function startTelemetry(
  serviceName: string,
  config: TelemetryConfig = loadTelemetryConfig(),
): Promise<Telemetry> {
  let tracing: Tracing | undefined;
  if (config.tracing) {
    const { startTracing } = await import('./tracing');
    tracing = startTracing({ serviceName: config.serviceName ?? serviceName });
  }
  const metrics =
    config.metricsPort === undefined
      ? undefined
      : await serveMetrics(processRegistry(), config.metricsPort, config.metricsHost);
  return {
    ...(tracing ? { tracing } : {}),
    ...(metrics ? { metrics } : {}),
    async stop() {
      await metrics?.close();
      await tracing?.stop();
    },
  };
}
