/**
 * A throwaway `redis-server` on a free loopback port, for tests, the bench and `npm run fleet`:
 * nothing persisted (`--save "" --appendonly no`), stopped by `stop()`. Needs Debian's
 * `redis-server` on the PATH (`apt-get install -y redis-server`; `.ci/run` installs it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly process: ChildProcess;
  /** Stops the server (SIGKILL when `kill` is true: the server vanishes as in a crash). */
  stop(kill?: boolean): Promise<void>;
}

export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** A port that was free a moment ago, on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts a server (on `port`, or a free one) and resolves once it accepts connections. */
export async function startRedisServer(port?: number): Promise<RedisServer> {
  if (!hasRedisServer()) {
    throw new Error('redis-server is not installed: apt-get install -y redis-server');
  }
  const chosen = port ?? (await freePort());
  const child = spawn(
    'redis-server',
    ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  for (let tries = 0; !(await accepts(chosen)); tries += 1) {
    if (exited || tries > 200) throw new Error(`redis-server did not start on port ${chosen}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return {
    port: chosen,
    url: `redis://127.0.0.1:${chosen}`,
    process: child,
    async stop(kill = false) {
      if (!exited) child.kill(kill ? 'SIGKILL' : 'SIGTERM');
      await exit;
    },
  };
}
