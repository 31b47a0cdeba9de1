import { createServer, type Socket, connect as tcpConnect } from 'node:net';

export interface PartitionProxy {
  /** Where clients connect instead of the real server. */
  readonly port: number;
  /** Every connection goes silent both ways, as behind a cut cable: no RST, no FIN, bytes held. */
  partition(): void;
  /** Held bytes and closes are delivered now, as TCP retransmission would once the cable is back. */
  heal(): void;
  close(): Promise<void>;
}

/** One direction of a proxied connection: forwards, or holds while partitioned. */
function pipe(from: Socket, to: Socket, isPartitioned: () => boolean, held: Array<() => void>) {
  from.on('data', (chunk) => {
    if (isPartitioned()) held.push(() => to.destroyed || to.write(chunk));
    else to.write(chunk);
  });
  from.on('end', () => (isPartitioned() ? held.push(() => to.end()) : to.end()));
  from.on('error', () => {});
  from.on('close', () => (isPartitioned() ? held.push(() => to.destroy()) : to.destroy()));
}

/** A TCP proxy in the test's own process, for partitioning one client from Postgres. */
export async function startPartitionProxy(
  targetPort: number,
  targetHost = '127.0.0.1',
): Promise<PartitionProxy> {
  let partitioned = false;
  const held: Array<() => void> = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = tcpConnect(targetPort, targetHost);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    pipe(client, upstream, () => partitioned, held);
    pipe(upstream, client, () => partitioned, held);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    partition() {
      partitioned = true;
    },
    heal() {
      partitioned = false;
      for (const deliver of held.splice(0)) deliver();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
