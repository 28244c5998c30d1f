// Retrying without decorators: `withRetry(fn, options)` runs a call now and retries it;
// `retryable(fn, options)` returns a function with the same signature that retries every call.
// Both use the same loop, classification and backoff as @Retry. Here around Node's fetch().
// Run it: npm run example -- async-call
import { classifyError, retryable, withRetry } from '../src';
import { ensureOk } from '../src/undici';
import type { ExampleMain } from './example';
import { startHttpServer } from './servers/http-server';

export const main: ExampleMain = async (print) => {
  const server = await startHttpServer();
  const onRetry = (error: unknown, attempt: number, delayMs: number): void =>
    print(
      `  attempt ${attempt} failed (${classifyError(error)}): ${String(error)}; retrying in ${delayMs} ms`,
    );
  try {
    server.script('/rates/EUR', [{ status: 502 }, { body: { base: 'EUR', usd: 1.08 } }]);
    server.script('/users/u-1', [
      { status: 503 },
      { status: 429 },
      { body: { id: 'u-1', name: 'Ada' } },
    ]);
    server.script('/users/u-2', [{ status: 404, body: { message: 'no such user' } }]);

    print('withRetry: GET /rates/EUR (502, then 200)');
    // Delays shortened so the example runs in a moment; the defaults start at 1 s.
    const rate = await withRetry(
      async () =>
        (await ensureOk(await fetch(`${server.url}/rates/EUR`))).json() as Promise<{
          base: string;
          usd: number;
        }>,
      { maxAttempts: 3, initialDelay: 20, onRetry },
    );
    print(
      `1 ${rate.base} = ${rate.usd} USD, after ${server.requests('/rates/EUR').length} requests`,
    );

    const getUser = retryable(
      async (id: string): Promise<{ id: string; name: string }> =>
        (await ensureOk(await fetch(`${server.url}/users/${id}`))).json() as Promise<{
          id: string;
          name: string;
        }>,
      { maxAttempts: 4, initialDelay: 20, onRetry },
    );

    print('retryable: getUser("u-1") (503, 429, then 200)');
    const user = await getUser('u-1');
    print(
      `user ${user.id} is ${user.name}, after ${server.requests('/users/u-1').length} requests`,
    );

    print('retryable: getUser("u-2") (404)');
    try {
      await getUser('u-2');
      print('user u-2 (unexpected)');
    } catch (error) {
      print(
        `not retried (${classifyError(error)}): ${String(error)}, after ${server.requests('/users/u-2').length} request(s)`,
      );
    }
  } finally {
    await server.close();
  }
};
