import { z } from 'zod';
import { port } from './knobs';
import { type Env, readConfig } from './read';

const protocol = z.enum(['grpc', 'http/protobuf', 'http/json']).optional();

/**
 * Tracing and metrics knobs every process shares. Only the standard OTEL_* variables switch tracing
 * on: OTEL_EXPORTER_OTLP_ENDPOINT (or its _TRACES_ form) or OTEL_TRACES_EXPORTER (other than
 * `none`); the SDK itself reads the rest (OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER, OTEL_BSP_*…).
 */
export const telemetryConfigSchema = z
  .object({
    OTEL_SDK_DISABLED: z.enum(['true', 'false']).default('false'),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url().optional(),
    /** Comma-separated: otlp, console, zipkin, none. */
    OTEL_TRACES_EXPORTER: z
      .string()
      .regex(/^(otlp|console|zipkin|jaeger|none)(,(otlp|console|zipkin|jaeger|none))*$/, {
        message: 'must list otlp, console, zipkin or none',
      })
      .optional(),
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol,
    /** Overrides the process's own name (brew-saga-api, brew-saga-orders-worker, …). */
    OTEL_SERVICE_NAME: z.string().min(1).optional(),
    /** The process's GET /metrics for Prometheus (workers and projector; the API serves its own). Unset: none. */
    METRICS_PORT: port.optional(),
    /** Loopback by default; 0.0.0.0 in a container a scraper reaches from outside. */
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  })
  .transform((e) => ({
    tracing:
      e.OTEL_SDK_DISABLED !== 'true' &&
      Boolean(
        e.OTEL_EXPORTER_OTLP_ENDPOINT ||
          e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
          (e.OTEL_TRACES_EXPORTER && e.OTEL_TRACES_EXPORTER !== 'none'),
      ),
    serviceName: e.OTEL_SERVICE_NAME as string | undefined,
    metricsPort: e.METRICS_PORT as number | undefined,
    metricsHost: e.METRICS_HOST,
  }));

export type TelemetryConfig = z.output<typeof telemetryConfigSchema>;

export const loadTelemetryConfig = (env: Env = process.env): TelemetryConfig =>
  readConfig(telemetryConfigSchema, env);
