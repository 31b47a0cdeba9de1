import type { Request, Response } from 'express';

export interface EventStream {
  send(id: number, event: string, data: unknown): void;
  readonly closed: boolean;
  close(): void;
}

/** Every open stream, so shutdown can end them instead of waiting for clients to leave. */
export class OpenStreams {
  private readonly streams = new Set<EventStream>();
  add(stream: EventStream) {
    this.streams.add(stream);
  }
  delete(stream: EventStream) {
    this.streams.delete(stream);
  }
  closeAll() {
    for (const stream of this.streams) stream.close();
  }
  get size() {
    return this.streams.size;
  }
}

/** The client's resume point: the `Last-Event-ID` header (or `?lastEventId=` for plain links). */
export function lastEventId(req: Request): number {
  const raw = req.get('last-event-id');
  const parsed = raw !== undefined && /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : 0;
  return Number.isSafeInteger(parsed) ? parsed : 0;
}

/** Opens a Server-Sent Events response with heartbeat comments; `onClose` runs exactly once. */
export function openEventStream(
  req: Request,
  res: Response,
  options: { heartbeatMs: number; registry: OpenStreams; onClose: () => void },
): EventStream {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('Connection', 'keep-alive');
  res.setHeader('X-Accel-Buffering', 'no');
  res.flushHeaders();
  res.write('retry: 1000\n\n');
  let closed = false;
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), options.heartbeatMs);
  heartbeat.unref();
  const stream: EventStream = {
    send(id, event, data) {
      if (closed) return;
      res.write(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
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
  options.registry.add(stream);
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
