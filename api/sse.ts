import type { Request, Response } from 'express';

export interface EventStream {
  send(id: number, event: string, data: unknown): void;
  readonly closed: boolean;
  close(): void;
}

export interface StreamCaps {
  total: number;
  perClient: number;
}

/** Every open stream, so shutdown can end them, and the caps on how many may be open. */
export class OpenStreams {
  private readonly streams = new Map<EventStream, string>();
  private readonly perClient = new Map<string, number>();
  constructor(private readonly caps: StreamCaps = { total: Infinity, perClient: Infinity }) {}
  /** Why one more stream for this client would be refused, or undefined when it fits. */
  refusal(client: string): 'total' | 'per_client' | undefined {
    if (this.streams.size >= this.caps.total) return 'total';
    if ((this.perClient.get(client) ?? 0) >= this.caps.perClient) return 'per_client';
    return undefined;
  }
  add(stream: EventStream, client: string) {
    this.streams.set(stream, client);
    this.perClient.set(client, (this.perClient.get(client) ?? 0) + 1);
  }
  delete(stream: EventStream) {
    const client = this.streams.get(stream);
    if (client === undefined) return;
    this.streams.delete(stream);
    const left = (this.perClient.get(client) ?? 1) - 1;
    if (left > 0) this.perClient.set(client, left);
    else this.perClient.delete(client);
  }
  closeAll() {
    for (const stream of [...this.streams.keys()]) stream.close();
  }
  get size() {
    return this.streams.size;
  }
}

/** The client's resume point from its validated `Last-Event-ID` (digits): empty or absent is the start. */
export const lastEventId = (header: unknown): number =>
  typeof header === 'string' && header !== '' ? Number(header) : 0;

/** How long a stream may stay over its buffer bound before its reader counts as slow. */
const SLOW_READER_GRACE_MS = 1_000;

export interface EventStreamOptions {
  heartbeatMs: number;
  registry: OpenStreams;
  /** Who counts against the per-client cap (the client's address). */
  client: string;
  /** A reader staying this far behind (bytes its socket has not taken) is dropped; it resumes by Last-Event-ID. */
  maxBufferedBytes: number;
  onSlowReader: () => void;
  onClose: () => void;
}

/** Opens a Server-Sent Events response with heartbeat comments; `onClose` runs exactly once. */
export function openEventStream(req: Request, res: Response, options: EventStreamOptions): EventStream {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  let closed = false;
  // Backpressure: what the socket has not taken stays in memory. A reader that stays behind by more
  // than the bound for a while (a burst may, for a moment), or falls far behind, is dropped.
  let behindSince: number | undefined;
  const write = (text: string) => {
    if (closed) return;
    const buffered = res.writableLength;
    if (buffered <= options.maxBufferedBytes) behindSince = undefined;
    else {
      behindSince ??= Date.now();
      if (buffered > 4 * options.maxBufferedBytes || Date.now() - behindSince > SLOW_READER_GRACE_MS) {
        options.onSlowReader();
        stream.close();
        res.destroy();
        return;
      }
    }
    res.write(text);
  };
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), options.heartbeatMs);
  heartbeat.unref();
  const stream: EventStream = {
    send(id, event, data) {
      write(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    get closed() {
      return closed;
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      options.registry.delete(stream);
      options.onClose();
      res.end();
    },
  };
  options.registry.add(stream, options.client);
  write('retry: 1000\n\n');
  req.on('close', () => stream.close());
  return stream;
}

/**
 * Runs `pump` whenever poked, never two at a time, and once more if poked while running,
 * so a notification that arrives mid-read is never lost.
 */
export function serialPump(pump: () => Promise<void>, onError: (error: unknown) => void): () => void {
  let running = false;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await pump();
      } while (again);
    } catch (error) {
      onError(error);
    } finally {
      running = false;
    }
  };
  return () => void run();
}
