// The API's one span per HTTP request, made here rather than by @opentelemetry/instrumentation-http:
// that one cost GET /orders/:id more than a tenth of its throughput (it binds the request and response
// emitters to the context, reads a score of attributes through getters, and records the query string,
// where order tokens may ride). Same trace context in (W3C `traceparent`), same kind of span out.
import type { IncomingHttpHeaders } from 'node:http';
import * as otel from '@opentelemetry/api';
import type { RequestTrace } from './hooks';

/** Probes and scrapes are not worth a trace each. */
const UNTRACED_PATHS = new Set(['/metrics', '/healthz', '/readyz']);

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
    const scope = otel.trace.setSpan(parent, span);
    const { traceId, spanId } = span.spanContext();
    return {
      ids: { trace_id: traceId, span_id: spanId },
      enter: (continuation) => otel.context.with(scope, continuation),
      end(route, status) {
        if (route) {
          span.updateName(`${method} ${route}`);
          span.setAttribute('http.route', route);
        }
        span.setAttribute('http.response.status_code', status);
        if (status >= 500) span.setStatus({ code: otel.SpanStatusCode.ERROR });
        span.end();
      },
    };
  };
}
