// A TCP proxy between a Redis client and the server, written for the tests: it forwards bytes
// both ways after `delay` ms (in order), and `close()` drops every connection (Redis gone).
import { createConnection, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface LatencyProxy {
  readonly port: number;
  /** Delay applied to every chunk from now on, both ways. */
  delay: number;
  close(): Promise<void>;
}

function forward(from: Socket, to: Socket, proxy: { delay: number }): void {
  // Chunks leave in the order they came, each no earlier than `delay` after it came.
  let last = Promise.resolve();
  from.on('data', (chunk) => {
    const due = Date.now() + proxy.delay;
    last = last.then(
      () =>
        new Promise<void>((resolve) => {
          const wait = due - Date.now();
          const send = () => {
            if (!to.destroyed) to.write(chunk);
            resolve();
          };
          if (wait <= 0) send();
          else setTimeout(send, wait);
        }),
    );
  });
}

export async function startLatencyProxy(targetPort: number): Promise<LatencyProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ port: targetPort, host: '127.0.0.1' });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    forward(client, upstream, proxy);
    forward(upstream, client, proxy);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: LatencyProxy = {
    port: (server.address() as AddressInfo).port,
    delay: 0,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
