// The redis-server the jest run started (__tests__/setup/redis-global-setup.ts), and clients of
// both kinds connected to it.
import { createHook } from 'node:async_hooks';
import { Redis } from 'ioredis';
import { createClient } from 'redis';

export function sharedRedisPort(): number {
  const port = Number(process.env.TENACIOUS_TEST_REDIS_PORT);
  if (!Number.isInteger(port) || port <= 0) {
    throw new Error('no redis-server for the tests: apt-get install -y redis-server');
  }
  return port;
}

export type ClientKind = 'ioredis' | 'node-redis';

export interface TestClient {
  readonly kind: ClientKind;
  readonly client: Redis | ReturnType<typeof createClient>;
  /** A command for the test's own checks and setup, whichever the client. */
  command(args: string[]): Promise<unknown>;
  close(): Promise<void>;
}

export async function connectClient(
  kind: ClientKind,
  port = sharedRedisPort(),
): Promise<TestClient> {
  if (kind === 'ioredis') {
    const client = new Redis({
      port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      // Reconnects every 20 ms, as the node-redis client below does, rather than after a backoff
      // that grows to 2 s: a test waiting for Redis to come back waits no more than that.
      retryStrategy: () => 20,
      // disconnect() ends the socket and destroys it if it is not closed within this time, on a
      // timer that holds the process open: for a socket the server has already dropped (a test's
      // proxy closed), that timer would keep jest from exiting for the default 2 s.
      disconnectTimeout: 20,
    });
    client.on('error', () => {});
    await client.connect();
    return {
      kind,
      client,
      command: ([name, ...rest]) => client.call(name!, ...rest),
      close: async () => {
        client.disconnect();
      },
    };
  }
  const client = createClient({ socket: { port, host: '127.0.0.1', reconnectStrategy: () => 20 } });
  client.on('error', () => {});
  await client.connect();
  return {
    kind,
    client,
    command: (args) => client.sendCommand(args),
    close: async () => {
      client.destroy();
    },
  };
}

/**
 * `test`'s client seen only through its script commands (`evalsha`, `evalSha`, `eval`, as the
 * fleet classes send them), each counted in `scripts()`: a fleet class given it works as with the
 * client itself, and the test sees how many scripts reached Redis.
 */
export function countingScripts(test: TestClient): { client: TestClient; scripts(): number } {
  let scripts = 0;
  const counted = test.client as unknown as Record<string, (...args: unknown[]) => unknown>;
  const commands: Record<string, (...args: unknown[]) => unknown> = {
    evalsha: (...args) => (scripts++, counted.evalsha!(...args)),
    evalSha: (...args) => (scripts++, counted.evalSha!(...args)),
    eval: (...args) => (scripts++, counted.eval!(...args)),
  };
  // ioredis has no `evalSha`: the fleet classes tell the two clients apart by it.
  if (test.kind === 'ioredis') delete commands.evalSha;
  const client = { kind: test.kind, client: commands } as unknown as TestClient;
  return { client, scripts: () => scripts };
}

let unique = 0;
/** A key no other test uses. */
export function uniqueKey(name: string): string {
  unique += 1;
  return `${name}-${process.pid}-${unique}-${Date.now()}`;
}

/**
 * Runs `action`, then counts the timers it started that still hold the process open (neither
 * fired, cleared nor unref'd). Node tells of a timer's end (the `destroy` hook) a moment after it,
 * later on a loaded machine, so the count is taken again every 10 ms until it is 0, for at most a
 * second: a timer that still holds the process after that was left behind.
 */
export async function timersLeftHoldingProcess(action: () => Promise<void>): Promise<number> {
  const started = new Map<number, NodeJS.Timeout>();
  let recording = true;
  const hook = createHook({
    init(id, type, _trigger, resource) {
      if (recording && type === 'Timeout') started.set(id, resource as NodeJS.Timeout);
    },
    destroy(id) {
      started.delete(id);
    },
  }).enable();
  const holding = () => [...started.values()].filter((timer) => timer.hasRef()).length;
  try {
    await action();
    recording = false;
    for (let waited = 0; waited < 1000 && holding() > 0; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return holding();
  } finally {
    hook.disable();
  }
}

/**
 * The test's client, whose script replies can be held back (the command reaches Redis at once,
 * its reply is delivered when the test lets it go) or refused (Redis lost).
 */
export function controlledClient(underlying: TestClient) {
  const real = underlying.client as unknown as Record<string, (...args: unknown[]) => unknown>;
  const control = {
    down: false,
    held: [] as Array<() => void>,
    holding: false,
    /** Delivers every reply held back so far. */
    letGo(): void {
      control.holding = false;
      for (const deliver of control.held.splice(0)) deliver();
    },
  };
  const through =
    (name: string) =>
    async (...args: unknown[]): Promise<unknown> => {
      if (control.down) throw new Error('Connection is closed.');
      const reply = real[name]!(...args) as Promise<unknown>;
      if (!control.holding) return reply;
      const answered = await reply;
      if (control.holding) await new Promise<void>((resolve) => control.held.push(resolve));
      return answered;
    };
  const client =
    underlying.kind === 'ioredis'
      ? { evalsha: through('evalsha'), eval: through('eval') }
      : { evalSha: through('evalSha'), eval: through('eval') };
  return { control, client };
}
