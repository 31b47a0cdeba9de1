// What the shop's code calls to be traced. No-ops until `startTracing` (telemetry/tracing.ts) swaps
// them in, so with tracing off nothing of OpenTelemetry is even loaded: these cost a function call.

import type { IncomingHttpHeaders } from 'node:http';
import type { ClientInterceptors } from '@temporalio/client';
import type { ActivityInterceptorsFactory, BundleOptions, WorkerOptions } from '@temporalio/worker';

export interface TraceIds {
  trace_id: string;
  span_id: string;
}

/** What an event keeps of the trace that wrote it (W3C `traceparent`, and `tracestate` when set). */
export type EventTraceContext = { traceparent?: string; tracestate?: string };

/** The Temporal options a worker adds when traced: its interceptors and the workflow spans' sink. */
export interface WorkerTracing {
  activityInterceptors: ActivityInterceptorsFactory[];
  workflowModules: string[];
  /** Bundles those interceptors over a slim tracer (telemetry/workflowTracer.ts), not the whole SDK. */
  bundlerOptions: Required<Pick<BundleOptions, 'webpackConfigHook' | 'preloadModules'>>;
  sinks: NonNullable<WorkerOptions['sinks']>;
}

/** One HTTP request's span: its ids for the log, its context for the handling, its end. */
export interface RequestTrace {
  ids: TraceIds;
  /**
   * Runs the request's handling (and all it awaits) inside the span's context, which also carries
   * `request` (the API's own request context): a traced request enters one async store, not two.
   */
  enter<T>(request: object, continuation: () => T): T;
  /** Names the span by its route (`GET /orders/:id`; undefined: none matched) and ends it. */
  end(route: string | undefined, status: number): void;
}

export interface TracingHooks {
  /** A span for an incoming HTTP request; undefined when untraced (or a probe). */
  traceRequest(method: string, path: string, headers: IncomingHttpHeaders): RequestTrace | undefined;
  /** The active span's ids, for log lines; undefined outside a traced request. */
  traceIds(): TraceIds | undefined;
  /** The `request` a traced request's `enter` carries, where its handling runs; else undefined. */
  tracedRequest(): unknown;
  /** The active span's context to store in an event's metadata; empty when untraced. */
  eventTraceContext(): EventTraceContext;
  /** Runs a consumer's handling of a page of the log in a span linked to the traces that wrote it. */
  traceConsumerBatch<T>(
    consumer: string,
    events: readonly { metadata?: Record<string, unknown> | null; position: number }[],
    handle: () => Promise<T>,
  ): Promise<T>;
  temporalClientInterceptors(): ClientInterceptors | undefined;
  /** A worker's tracing; `serviceName` lets several workers in one process (tests) trace as themselves. */
  workerTracing(serviceName?: string): WorkerTracing | undefined;
}

const untraced: TracingHooks = {
  traceRequest: () => undefined,
  traceIds: () => undefined,
  tracedRequest: () => undefined,
  eventTraceContext: () => ({}),
  traceConsumerBatch: (_consumer, _events, handle) => handle(),
  temporalClientInterceptors: () => undefined,
  workerTracing: () => undefined,
};

let hooks: TracingHooks = untraced;

/** Called by startTracing and by its shutdown; nothing else sets them. */
export function installTracingHooks(next: TracingHooks | undefined): void {
  hooks = next ?? untraced;
}

export const tracingEnabled = (): boolean => hooks !== untraced;
export const traceIds = (): TraceIds | undefined => hooks.traceIds();
export const tracedRequest = (): unknown => hooks.tracedRequest();
export const traceRequest: TracingHooks['traceRequest'] = (method, path, headers) =>
  hooks.traceRequest(method, path, headers);
export const eventTraceContext = (): EventTraceContext => hooks.eventTraceContext();
export const traceConsumerBatch: TracingHooks['traceConsumerBatch'] = (consumer, events, handle) =>
  hooks.traceConsumerBatch(consumer, events, handle);
export const temporalClientInterceptors = (): ClientInterceptors | undefined =>
  hooks.temporalClientInterceptors();
export const workerTracing = (serviceName?: string): WorkerTracing | undefined =>
  hooks.workerTracing(serviceName);

/** A pino mixin: the trace and span ids of the line's request, when it is traced. */
export const traceLogMixin = (): Partial<TraceIds> => hooks.traceIds() ?? {};
