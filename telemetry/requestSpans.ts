// The API's one span per HTTP request, made here rather than by @opentelemetry/instrumentation-http:
// that one cost GET /orders/:id more than a tenth of its throughput (it binds the request and response
// emitters to the context, reads a score of attributes through getters, and records the query string,
// where order tokens may ride). Same trace context in (W3C `traceparent`), same kind of span out.
import type { IncomingHttpHeaders } from 'node:http';
import * as otel from '@opentelemetry/api';
import type { RequestTrace, TraceIds } from './hooks';

/** Probes and scrapes are not worth a trace each. */
const UNTRACED_PATHS = new Set(['/metrics', '/healthz', '/readyz']);

/** Where a traced request keeps its own context (the API's request id and order), beside its span. */
const REQUEST = otel.createContextKey('brew-saga request');

/** The `request` given to `enter` by the traced request this code runs in, if any. */
export const tracedRequest = (): unknown => otel.context.active().getValue(REQUEST);

/** Starts a SERVER span per request, child of the caller's trace when its headers carry one. */
export function requestSpans(tracer: otel.Tracer) {
  let propagationHeaders: string[] | undefined;
  const carriesContext = (headers: IncomingHttpHeaders): boolean => {
    propagationHeaders ??= otel.propagation.fields().map((name) => name.toLowerCase());
    return propagationHeaders.some((name) => headers[name] !== undefined);
  };
  return (method: string, path: string, headers: IncomingHttpHeaders): RequestTrace | undefined => {
    if (UNTRACED_PATHS.has(path)) return undefined;
    // Most callers send no trace context: then there is nothing to extract (the propagators name their headers).
    const parent = carriesContext(headers)
      ? otel.propagation.extract(otel.ROOT_CONTEXT, headers)
      : otel.ROOT_CONTEXT;
    const span = tracer.startSpan(
      method,
      { kind: otel.SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path } },
      parent,
    );
    return new RequestSpan(span, parent, method);
  };
}

// A class, not a closure per request: the hot read allocates one object and no functions for its span.
class RequestSpan implements RequestTrace {
  readonly ids: TraceIds;

  constructor(
    private readonly span: otel.Span,
    private readonly parent: otel.Context,
    private readonly method: string,
  ) {
    const { traceId, spanId } = span.spanContext();
    this.ids = { trace_id: traceId, span_id: spanId };
  }

  enter<T>(request: object, continuation: () => T): T {
    // One context holds the span and the request's own: the request enters one async store, not two.
    return otel.context.with(
      otel.trace.setSpan(this.parent, this.span).setValue(REQUEST, request),
      continuation,
    );
  }

  end(route: string | undefined, status: number): void {
    const { span } = this;
    if (route) {
      span.updateName(`${this.method} ${route}`);
      span.setAttribute('http.route', route);
    }
    span.setAttribute('http.response.status_code', status);
    if (status >= 500) span.setStatus({ code: otel.SpanStatusCode.ERROR });
    span.end();
  }
}
