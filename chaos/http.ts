/** The driver's HTTP client: every answer is tallied, and 5xx are judged against the fault windows. */

// biome-ignore lint/suspicious/noExplicitAny: answers are arbitrary JSON
export type Json = any;

export type Outcome =
  | { kind: 'answer'; status: number; body: Json; retryAfterSeconds?: number }
  /** No answer at all: refused, reset, or timed out. */
  | { kind: 'down'; error: string };

export interface FaultWindow {
  what: string;
  from: number;
  to: number | null;
}

export interface HttpTally {
  requests: number;
  byStatus: Record<string, number>;
  /**
   * 500 at any time; a 503 with Retry-After outside a fault window while no order a fault caught
   * waits for its 202; another 5xx outside a fault window.
   */
  unexpected5xx: number;
  unexpected5xxSamples: string[];
  /** Connection errors, timeouts and 5xx while a process was down or restarting. */
  apiDownErrors: number;
  /** Connection errors and timeouts outside any fault window. */
  unexplainedDown: number;
  /** Requests that stayed open longer than HUNG_MS (a client gives up long before): must be 0. */
  hungRequests: number;
  hungSamples: string[];
  /** 503 + Retry-After while a fault's backlog drained (expected: the shop pacing its clients). */
  retryLater: number;
  /** Most orders a fault left waiting for their 202 at once. */
  backlogPeak: number;
  /** Longest time from the end of the fault windows until that backlog was placed (null: never one). */
  backlogDrainMs: number | null;
}

/** A request open this long counts as hung; the client aborts it a second later. */
export const HUNG_MS = 30_000;

/** After a restart, dependents may take this long to notice (reconnects, lock failover). */
const SETTLE_MS = 15_000;

export class ChaosHttp {
  readonly tally: HttpTally = {
    requests: 0,
    byStatus: {},
    unexpected5xx: 0,
    unexpected5xxSamples: [],
    apiDownErrors: 0,
    unexplainedDown: 0,
    hungRequests: 0,
    hungSamples: [],
    retryLater: 0,
    backlogPeak: 0,
    backlogDrainMs: null,
  };
  /** Idempotency-Keys of orders a fault caught (a 503 or no answer in its window), not yet answered. */
  private readonly backlog = new Set<string>();
  private readonly windows: FaultWindow[] = [];
  private turn = 0;
  private readonly baseUrls: string[];

  constructor(
    /** One or more API processes: each call goes to the next one (round robin). */
    baseUrls: string | string[],
    /** Sent unless a call brings its own (the driver's staff token). */
    private readonly defaultHeaders: Record<string, string> = {},
    private readonly timeoutMs = HUNG_MS + 1_000,
    /** After a fault ends, its dependents may take this long to notice. */
    private readonly settleMs = SETTLE_MS,
  ) {
    this.baseUrls = typeof baseUrls === 'string' ? [baseUrls] : baseUrls;
  }

  /** A fault starts (a kill, a restart); returns the function that ends it. */
  openWindow(what: string): () => void {
    const window: FaultWindow = { what, from: Date.now(), to: null };
    this.windows.push(window);
    return () => {
      window.to = Date.now();
    };
  }

  faultAt(started: number, ended: number): boolean {
    return this.windows.some(
      (window) => window.from <= ended && (window.to === null || window.to + this.settleMs >= started),
    );
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Outcome> {
    this.tally.requests += 1;
    const started = Date.now();
    const baseUrl = this.baseUrls[this.turn++ % this.baseUrls.length]!;
    let outcome: Outcome;
    try {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          ...this.defaultHeaders,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await response.text();
      let parsed: Json = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON
      }
      const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
      outcome = {
        kind: 'answer',
        status: response.status,
        body: parsed,
        ...(Number.isFinite(retryAfter) ? { retryAfterSeconds: retryAfter } : {}),
      };
    } catch (error) {
      outcome = {
        kind: 'down',
        error: error instanceof Error ? `${error.name}: ${causeOf(error)}` : String(error),
      };
    }
    const tookMs = Date.now() - started;
    if (tookMs > HUNG_MS) {
      this.tally.hungRequests += 1;
      if (this.tally.hungSamples.length < 10)
        this.tally.hungSamples.push(`${method} ${baseUrl}${path} open ${tookMs} ms (${outcome.kind})`);
    }
    const draining = this.backlog.size > 0;
    if (method === 'POST' && path === '/orders')
      this.trackBacklog(headers['idempotency-key'], started, outcome, draining);
    this.judge(method, path, started, outcome, draining);
    return outcome;
  }

  /**
   * An order a fault caught stays in the backlog until it gets an answer that is not a 5xx. So does
   * one refused while that backlog drains: it waits in the same queue the fault left behind, and the
   * drain ends only when every order refused in it has been placed.
   */
  private trackBacklog(key: string | undefined, started: number, outcome: Outcome, draining: boolean): void {
    if (!key) return;
    const refused = outcome.kind === 'down' || outcome.status >= 500;
    if (refused && (draining || this.faultAt(started, Date.now()))) {
      this.backlog.add(key);
      this.tally.backlogPeak = Math.max(this.tally.backlogPeak, this.backlog.size);
    } else if (!refused && this.backlog.delete(key) && this.backlog.size === 0) {
      const lastEnd = Math.max(...this.windows.map((window) => window.to ?? Date.now()));
      this.tally.backlogDrainMs = Math.max(this.tally.backlogDrainMs ?? 0, Date.now() - lastEnd);
    }
  }

  /** Where a moment stands against the faults, for the samples of unexpected answers. */
  private sinceLastFault(at: number): string {
    const ended = this.windows.filter((window) => window.to !== null && window.to <= at);
    if (ended.length === 0) return 'before any fault ended';
    const last = ended.reduce((latest, window) => (window.to! > latest.to! ? window : latest));
    return `${at - last.to!} ms after ${last.what} ended`;
  }

  private judge(method: string, path: string, started: number, outcome: Outcome, draining: boolean): void {
    const inFault = this.faultAt(started, Date.now());
    if (outcome.kind === 'down') {
      this.tally.byStatus.down = (this.tally.byStatus.down ?? 0) + 1;
      if (inFault) this.tally.apiDownErrors += 1;
      else this.tally.unexplainedDown += 1;
      return;
    }
    const key = String(outcome.status);
    this.tally.byStatus[key] = (this.tally.byStatus[key] ?? 0) + 1;
    if (outcome.status < 500) return;
    if (outcome.status !== 500 && inFault) {
      this.tally.apiDownErrors += 1;
      return;
    }
    // The shop pacing the crowd a fault left behind, or a saga catching up with the log after a crash
    // lost one of its workflow tasks (only a crash does): refused with a time to come back, not failed.
    if (
      outcome.status === 503 &&
      outcome.retryAfterSeconds !== undefined &&
      (draining || String(outcome.body?.type ?? '').endsWith(':saga-catching-up'))
    ) {
      this.tally.retryLater += 1;
      return;
    }
    this.tally.unexpected5xx += 1;
    if (this.tally.unexpected5xxSamples.length < 10)
      this.tally.unexpected5xxSamples.push(
        `${new Date(started).toISOString()} (${this.sinceLastFault(started)}) ${method} ${path} -> ${outcome.status} ${JSON.stringify(outcome.body).slice(0, 300)}`,
      );
  }
}

function causeOf(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return `${cause.message}`;
  return error.message;
}
