// Loaded only when tracing is on (telemetry/start.ts imports it on demand): the OpenTelemetry SDK,
// the API's request spans, pg instrumentation, Temporal's interceptors, and the hooks the shop's code calls.
import { createRequire } from 'node:module';
import * as otel from '@opentelemetry/api';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import {
  detectResourcesSync,
  envDetectorSync,
  hostDetectorSync,
  processDetectorSync,
  Resource,
} from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { getSpanProcessorsFromEnv } from '@opentelemetry/sdk-node/build/src/utils.js';
import {
  BasicTracerProvider,
  type ReadableSpan,
  type Span,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client/index.js';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker/index.js';
import { type EventTraceContext, installTracingHooks, type TracingHooks } from './hooks';
import { requestSpans, tracedRequest } from './requestSpans';
import { slimWorkflowTracing } from './workflowBundle';

const require = createRequire(import.meta.url);
const TRACER = 'brew-saga';

export interface TracingOptions {
  /** The process's service name; OTEL_SERVICE_NAME wins when set. */
  serviceName: string;
  /** Where finished spans go; default: what the OTEL_* variables say (OTLP over http/protobuf unless told). */
  spanProcessors?: SpanProcessor[];
}

export interface Tracing {
  serviceName: string;
  /** Flushes what is buffered and stops exporting. */
  stop(): Promise<void>;
  forceFlush(): Promise<void>;
}

/** Starts the SDK and swaps the tracing hooks in. Synchronous: call it before the process builds its app. */
export function startTracing(options: TracingOptions): Tracing {
  const serviceName = process.env.OTEL_SERVICE_NAME || options.serviceName;
  const processors = options.spanProcessors ?? getSpanProcessorsFromEnv();
  const shared = fanOut(processors);
  const detected = detectResourcesSync({
    detectors: [envDetectorSync, processDetectorSync, hostDetectorSync],
  });
  const resourceFor = (name: string) => detected.merge(new Resource({ 'service.name': name }));
  const sdk = new NodeSDK({
    resource: resourceFor(serviceName),
    autoDetectResources: false,
    spanProcessors: [shared],
    logRecordProcessors: [],
    instrumentations: [
      // HTTP requests get their span from the API itself (telemetry/requestSpans.ts).
      // SQL only inside a trace: the log watcher's polls and pool housekeeping make no orphan traces.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  patchLoadedModules();

  // Several workers in one process (tests) each trace under their own name through their own provider.
  const tracers = new Map<string, otel.Tracer>([[serviceName, otel.trace.getTracer(TRACER)]]);
  const tracerFor = (name: string) => {
    let tracer = tracers.get(name);
    if (!tracer) {
      tracer = new BasicTracerProvider({ resource: resourceFor(name), spanProcessors: [shared] }).getTracer(
        TRACER,
      );
      tracers.set(name, tracer);
    }
    return tracer;
  };
  const tracer = tracers.get(serviceName)!;

  const hooks: TracingHooks = {
    traceRequest: requestSpans(tracer),
    traceIds() {
      const context = otel.trace.getActiveSpan()?.spanContext();
      if (!context || !otel.isSpanContextValid(context)) return undefined;
      return { trace_id: context.traceId, span_id: context.spanId };
    },
    tracedRequest,
    eventTraceContext() {
      const carrier: EventTraceContext = {};
      otel.propagation.inject(otel.context.active(), carrier);
      return carrier.tracestate
        ? { traceparent: carrier.traceparent, tracestate: carrier.tracestate }
        : carrier.traceparent
          ? { traceparent: carrier.traceparent }
          : {};
    },
    traceConsumerBatch(consumer, events, handle) {
      const links: otel.Link[] = [];
      for (const event of events) {
        const context = spanContextOf(event.metadata);
        if (context) links.push({ context, attributes: { 'brew.log.position': event.position } });
      }
      // A page written by no traced request (or only by untraced writers) makes no trace of its own.
      if (links.length === 0) return handle();
      return tracer.startActiveSpan(
        `${consumer} process`,
        {
          kind: otel.SpanKind.CONSUMER,
          root: true,
          links,
          attributes: {
            'messaging.system': 'brew-saga-event-log',
            'messaging.operation': 'process',
            'messaging.destination.name': consumer,
            'messaging.batch.message_count': events.length,
            'brew.log.first_position': events[0]?.position ?? 0,
            'brew.log.last_position': events.at(-1)?.position ?? 0,
          },
        },
        async (span) => {
          try {
            return await handle();
          } catch (error) {
            span.recordException(error as Error);
            span.setStatus({ code: otel.SpanStatusCode.ERROR, message: String(error) });
            throw error;
          } finally {
            span.end();
          }
        },
      );
    },
    temporalClientInterceptors: () => ({
      workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer })],
    }),
    workerTracing(name = serviceName) {
      const workerTracer = tracerFor(name);
      return {
        activityInterceptors: [
          (ctx) => ({
            inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer: workerTracer }),
            outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
          }),
        ],
        workflowModules: [
          require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
        ],
        bundlerOptions: slimWorkflowTracing,
        sinks: { exporter: makeWorkflowExporter(primitiveAttributesOnly(shared), resourceFor(name)) },
      };
    },
  };
  installTracingHooks(hooks);
  return {
    serviceName,
    forceFlush: () => shared.forceFlush(),
    async stop() {
      installTracingHooks(undefined);
      await sdk.shutdown();
    },
  };
}

/**
 * The instrumentations patch a module when it is `require`d. Our code is ESM: an `import` of a
 * CommonJS package does not pass through that hook, and may have happened already. Requiring each
 * once here patches the very objects every importer shares (prototypes, module exports).
 */
function patchLoadedModules(): void {
  require('pg');
  try {
    createRequire(require.resolve('pg'))('pg-pool');
  } catch {
    // pg without pg-pool: its Client is patched all the same.
  }
}

function spanContextOf(metadata: Record<string, unknown> | null | undefined): otel.SpanContext | undefined {
  const traceparent = metadata?.traceparent;
  if (typeof traceparent !== 'string') return undefined;
  const carrier = {
    traceparent,
    ...(typeof metadata?.tracestate === 'string' ? { tracestate: metadata.tracestate } : {}),
  };
  const context = otel.trace.getSpanContext(otel.propagation.extract(otel.ROOT_CONTEXT, carrier));
  return context && otel.isSpanContextValid(context) ? context : undefined;
}

/** One processor in front of several, shared by the SDK's provider, extra providers and the workflow sink. */
function fanOut(processors: SpanProcessor[]): SpanProcessor {
  return {
    onStart: (span: Span, context: otel.Context) => {
      for (const processor of processors) processor.onStart(span, context);
    },
    onEnd: (span: ReadableSpan) => {
      for (const processor of processors) processor.onEnd(span);
    },
    forceFlush: async () => {
      await Promise.all(processors.map((processor) => processor.forceFlush()));
    },
    shutdown: async () => {
      await Promise.all(processors.map((processor) => processor.shutdown()));
    },
  };
}

/**
 * The workflow sink copies the whole WorkflowInfo onto each span: memo and search attributes
 * (customer names) included. Keep what is a plain value and drop the objects.
 */
function primitiveAttributesOnly(processor: SpanProcessor): SpanProcessor {
  return {
    ...processor,
    onStart: processor.onStart.bind(processor),
    forceFlush: processor.forceFlush.bind(processor),
    shutdown: processor.shutdown.bind(processor),
    onEnd(span: ReadableSpan) {
      const attributes = span.attributes as Record<string, unknown>;
      for (const [key, value] of Object.entries(attributes))
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) delete attributes[key];
      processor.onEnd(span);
    },
  };
}
