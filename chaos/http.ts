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
  /** 500 at any time, or another 5xx while no fault was in progress. */
  unexpected5xx: number;
  unexpected5xxSamples: string[];
  /** Connection errors, timeouts and 5xx while a process was down or restarting. */
  apiDownErrors: number;
  /** Connection errors and timeouts outside any fault window. */
  unexplainedDown: number;
  /** Requests that stayed open longer than HUNG_MS (a client gives up long before): must be 0. */
  hungRequests: number;
  hungSamples: string[];
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
  };
  private readonly windows: FaultWindow[] = [];
  private turn = 0;
  private readonly baseUrls: string[];

  constructor(
    /** One or more API processes: each call goes to the next one (round robin). */
    baseUrls: string | string[],
    /** Sent unless a call brings its own (the driver's staff token). */
    private readonly defaultHeaders: Record<string, string> = {},
    private readonly timeoutMs = HUNG_MS + 1_000,
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
      (window) => window.from <= ended && (window.to === null || window.to + SETTLE_MS >= started),
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
    this.judge(method, path, started, outcome);
    return outcome;
  }

  private judge(method: string, path: string, started: number, outcome: Outcome): void {
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
    this.tally.unexpected5xx += 1;
    if (this.tally.unexpected5xxSamples.length < 10)
      this.tally.unexpected5xxSamples.push(
        `${method} ${path} -> ${outcome.status} ${JSON.stringify(outcome.body).slice(0, 300)}`,
      );
  }
}

function causeOf(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return `${cause.message}`;
  return error.message;
}
