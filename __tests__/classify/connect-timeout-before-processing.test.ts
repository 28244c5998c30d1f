import { withRetry } from '../../src';

// DESIGN: "`idempotent: false`: retry only failures known to happen before the call was processed
// (refused connection, connect timeout, DNS, 429, 503)". Node's net.connect (autoSelectFamily, the
// default on Node 20) reports "every address attempt timed out while connecting" as
// ERR_SOCKET_CONNECTION_TIMEOUT; src/classify/error-codes.ts itself calls it a connect timeout.
describe('idempotent: false and connect timeouts', () => {
  test('ERR_SOCKET_CONNECTION_TIMEOUT (nothing was sent) is retried', async () => {
    let calls = 0;
    const result = withRetry(
      async () => {
        calls += 1;
        if (calls === 1) {
          throw Object.assign(new Error('connect ETIMEDOUT (all addresses)'), { code: 'ERR_SOCKET_CONNECTION_TIMEOUT' });
        }
        return 'charged once';
      },
      { idempotent: false, initialDelay: 0, maxDelay: 0 },
    );
    await expect(result).resolves.toBe('charged once');
    expect(calls).toBe(2);
  });
});
