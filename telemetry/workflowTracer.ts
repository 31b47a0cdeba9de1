// Inside the workflow sandbox only: the part of the OpenTelemetry SDK that Temporal's workflow
// interceptors use (a provider registering the context manager and the W3C propagators, a tracer,
// spans, a processor handing each ended span to the exporter sink). The workflow bundle takes this
// module for @opentelemetry/sdk-trace-base and @opentelemetry/core (telemetry/workflowBundle.ts):
// module state is per workflow there, so the whole SDK (core, resources, semantic conventions) was
// evaluated again for every saga, and its processor made a handful of promises per span, each of
// which the Temporal SDK's promise hook gives a source-mapped stack. Same spans, same ids, same times.
import * as otel from '@opentelemetry/api';
import { W3CBaggagePropagator } from '@opentelemetry/core/build/esm/baggage/propagation/W3CBaggagePropagator.js';
import { CompositePropagator } from '@opentelemetry/core/build/esm/propagation/composite.js';
import { W3CTraceContextPropagator } from '@opentelemetry/core/build/esm/trace/W3CTraceContextPropagator.js';
import { RandomIdGenerator } from '@opentelemetry/sdk-trace-base/build/esm/platform/browser/RandomIdGenerator.js';
import { activeContext, withContext } from './workflowContext';

/** What the interceptors' span exporter imports from @opentelemetry/core. */
export enum ExportResultCode {
  SUCCESS = 0,
  FAILED = 1,
}

type HrTime = [number, number];
type Library = { name: string; version: string | undefined; schemaUrl: string | undefined };
type Exporter = { export(spans: WorkflowSpan[], done: (result: { code: ExportResultCode }) => void): void };

const ids = new RandomIdGenerator();
// The workflow's clock (Date.now() is the activation's time there), as the SDK's spans read it.
const hrTime = (input?: otel.TimeInput): HrTime => {
  if (Array.isArray(input)) return input as HrTime;
  const ms = input instanceof Date ? input.getTime() : typeof input === 'number' ? input : Date.now();
  return [Math.trunc(ms / 1000), Math.round((ms % 1000) * 1e6)];
};
const hrDuration = ([s0, n0]: HrTime, [s1, n1]: HrTime): HrTime =>
  n1 >= n0 ? [s1 - s0, n1 - n0] : [s1 - s0 - 1, n1 - n0 + 1e9];

const sharedContextManager: otel.ContextManager = {
  active: () => activeContext() ?? otel.ROOT_CONTEXT,
  with: (context, fn, thisArg, ...args) => withContext(context, () => fn.apply(thisArg, args)),
  bind(context, target) {
    if (typeof target !== 'function')
      throw new TypeError(`Only function binding is supported, got ${typeof target}`);
    return ((...args: unknown[]) => withContext(context, () => target(...args))) as typeof target;
  },
  enable() {
    return this;
  },
  // A workflow leaving the cache disables its own storage; the shared one serves the others still.
  disable() {
    return this;
  },
};

/** Hands each sampled span, once ended, to its exporter at once (no promise per span). */
export class SimpleSpanProcessor {
  constructor(private readonly exporter: Exporter) {}
  onEnd(span: WorkflowSpan): void {
    if (span.spanContext().traceFlags & otel.TraceFlags.SAMPLED) this.exporter.export([span], () => {});
  }
}

export class BasicTracerProvider {
  private processor?: SimpleSpanProcessor;
  addSpanProcessor(processor: SimpleSpanProcessor): void {
    this.processor = processor;
  }
  /**
   * As the SDK's with its defaults (W3C trace context and baggage), but over the thread's one context
   * storage (telemetry/workflowContext.ts) rather than the interceptors' own, one per workflow.
   */
  register(_interceptors: { contextManager: otel.ContextManager }): void {
    otel.context.setGlobalContextManager(sharedContextManager);
    otel.trace.setGlobalTracerProvider(this);
    otel.propagation.setGlobalPropagator(
      new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
    );
  }
  getTracer(name: string, version?: string): WorkflowTracer {
    return new WorkflowTracer({ name, version, schemaUrl: undefined }, (span) => this.processor?.onEnd(span));
  }
}

class WorkflowTracer implements otel.Tracer {
  constructor(
    readonly instrumentationLibrary: Library,
    readonly ended: (span: WorkflowSpan) => void,
  ) {}

  /** The SDK's default sampler, parentbased_always_on: a root is sampled, a child follows its parent. */
  startSpan(name: string, options: otel.SpanOptions = {}, context = otel.context.active()): otel.Span {
    const parent = options.root ? undefined : otel.trace.getSpanContext(context);
    const child = parent !== undefined && otel.isSpanContextValid(parent);
    const spanId = ids.generateSpanId();
    const traceId = child ? parent.traceId : ids.generateTraceId();
    const sampled = !child || (parent.traceFlags & otel.TraceFlags.SAMPLED) !== 0;
    const spanContext: otel.SpanContext = {
      traceId,
      spanId,
      traceFlags: sampled ? otel.TraceFlags.SAMPLED : otel.TraceFlags.NONE,
      ...(child && parent.traceState ? { traceState: parent.traceState } : {}),
    };
    if (!sampled) return otel.trace.wrapSpanContext(spanContext);
    return new WorkflowSpan(this, name, spanContext, options, child ? parent.spanId : undefined);
  }

  startActiveSpan<F extends (span: otel.Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: otel.Span) => unknown>(
    name: string,
    options: otel.SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: otel.Span) => unknown>(
    name: string,
    options: otel.SpanOptions,
    context: otel.Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: otel.Span) => unknown>(name: string, ...args: unknown[]): ReturnType<F> {
    const fn = args.pop() as F;
    const [options, context = otel.context.active()] = args as [otel.SpanOptions?, otel.Context?];
    const span = this.startSpan(name, options, context);
    return otel.context.with(otel.trace.setSpan(context, span), () => fn(span)) as ReturnType<F>;
  }
}

/** The fields the interceptors' exporter copies out of the sandbox, as the SDK's ReadableSpan names them. */
class WorkflowSpan implements otel.Span {
  readonly kind: otel.SpanKind;
  readonly startTime: HrTime;
  readonly attributes: otel.Attributes = {};
  readonly links: otel.Link[];
  readonly events: { name: string; attributes: otel.Attributes; time: HrTime; droppedAttributesCount: 0 }[] =
    [];
  readonly instrumentationLibrary: Library;
  status: otel.SpanStatus = { code: otel.SpanStatusCode.UNSET };
  endTime: HrTime = [0, 0];
  duration: HrTime = [-1, -1];
  ended = false;
  readonly droppedAttributesCount = 0;
  readonly droppedEventsCount = 0;
  readonly droppedLinksCount = 0;

  constructor(
    private readonly tracer: WorkflowTracer,
    public name: string,
    private readonly context: otel.SpanContext,
    options: otel.SpanOptions,
    readonly parentSpanId: string | undefined,
  ) {
    this.kind = options.kind ?? otel.SpanKind.INTERNAL;
    this.links = options.links ? [...options.links] : [];
    this.startTime = hrTime(options.startTime);
    this.instrumentationLibrary = tracer.instrumentationLibrary;
    if (options.attributes) this.setAttributes(options.attributes);
  }

  spanContext(): otel.SpanContext {
    return this.context;
  }
  setAttribute(key: string, value: otel.AttributeValue | undefined): this {
    if (!this.ended && key && value !== undefined && value !== null) this.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: otel.Attributes): this {
    for (const [key, value] of Object.entries(attributes)) this.setAttribute(key, value);
    return this;
  }
  addEvent(name: string, attributes?: otel.Attributes | otel.TimeInput, time?: otel.TimeInput): this {
    const timeOnly =
      attributes instanceof Date || Array.isArray(attributes) || typeof attributes === 'number';
    if (!this.ended)
      this.events.push({
        name,
        attributes: timeOnly || !attributes ? {} : { ...(attributes as otel.Attributes) },
        time: hrTime(timeOnly ? (attributes as otel.TimeInput) : time),
        droppedAttributesCount: 0,
      });
    return this;
  }
  addLink(link: otel.Link): this {
    this.links.push(link);
    return this;
  }
  addLinks(links: otel.Link[]): this {
    this.links.push(...links);
    return this;
  }
  setStatus(status: otel.SpanStatus): this {
    if (!this.ended) this.status = { ...status };
    return this;
  }
  updateName(name: string): this {
    if (!this.ended) this.name = name;
    return this;
  }
  end(endTime?: otel.TimeInput): void {
    if (this.ended) return;
    this.ended = true;
    this.endTime = hrTime(endTime);
    this.duration = hrDuration(this.startTime, this.endTime);
    this.tracer.ended(this);
  }
  isRecording(): boolean {
    return !this.ended;
  }
  /** As the SDK records one: an `exception` event with its type, message and stack. */
  recordException(exception: otel.Exception, time?: otel.TimeInput): void {
    const attributes: otel.Attributes = {};
    if (typeof exception === 'string') attributes['exception.message'] = exception;
    else if (exception) {
      const type = exception.code?.toString() ?? exception.name;
      if (type) attributes['exception.type'] = type;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] || attributes['exception.message'])
      this.addEvent('exception', attributes, time);
  }
}
