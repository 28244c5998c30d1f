import { withRetry } from '../../src';
import { isFailureBeforeProcessing } from '../../src/classify/before-processing';

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
          throw Object.assign(new Error('connect ETIMEDOUT (all addresses)'), {
            code: 'ERR_SOCKET_CONNECTION_TIMEOUT',
          });
        }
        return 'charged once';
      },
      { idempotent: false, initialDelay: 0, maxDelay: 0 },
    );
    await expect(result).resolves.toBe('charged once');
    expect(calls).toBe(2);
  });
});

describe("the AWS SDK's connection timeout", () => {
  // As @smithy/node-http-handler builds it: name TimeoutError, no code, the message says it all.
  const sdkConnectTimeout = (): Error =>
    Object.assign(
      new Error(
        '@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 1000 ms.',
      ),
      { name: 'TimeoutError' },
    );
  const sdkSocketTimeout = (): Error =>
    Object.assign(
      new Error(
        '@smithy/node-http-handler - the request socket timed out after 5000 ms of inactivity.',
      ),
      { name: 'TimeoutError' },
    );

  test('is known to come before the request was sent', () => {
    expect(isFailureBeforeProcessing(sdkConnectTimeout())).toBe(true);
  });

  test('but a socket that timed out after connecting is not', () => {
    expect(isFailureBeforeProcessing(sdkSocketTimeout())).toBe(false);
  });

  test('is told by its name as well as its message', () => {
    const otherError = new Error(sdkConnectTimeout().message);
    expect(isFailureBeforeProcessing(otherError)).toBe(false);
  });
});

describe('the kernel’s connect timeout', () => {
  // As Node's net module reports a connect() that the kernel gave up on (no autoSelectFamily, a
  // single address): ETIMEDOUT with `syscall: 'connect'`.
  const kernelConnectTimeout = (): Error =>
    Object.assign(new Error('connect ETIMEDOUT 10.255.255.1:443'), {
      code: 'ETIMEDOUT',
      errno: -110,
      syscall: 'connect',
      address: '10.255.255.1',
      port: 443,
    });

  test('is known to come before the request was sent', () => {
    expect(isFailureBeforeProcessing(kernelConnectTimeout())).toBe(true);
  });

  test('as is the AWS SDK’s rename of it to a TimeoutError that keeps the code', () => {
    const renamed = Object.assign(kernelConnectTimeout(), { name: 'TimeoutError' });
    expect(isFailureBeforeProcessing(renamed)).toBe(true);
  });

  test('but a read that timed out on a connected socket is not', () => {
    const readTimeout = Object.assign(new Error('read ETIMEDOUT'), {
      code: 'ETIMEDOUT',
      syscall: 'read',
    });
    expect(isFailureBeforeProcessing(readTimeout)).toBe(false);
  });

  test('is retried by a method that must not run twice, and through fetch’s wrapper', async () => {
    let calls = 0;
    const result = withRetry(
      async () => {
        calls += 1;
        if (calls === 1) throw new TypeError('fetch failed', { cause: kernelConnectTimeout() });
        return 'charged once';
      },
      { idempotent: false, initialDelay: 0, maxDelay: 0 },
    );
    await expect(result).resolves.toBe('charged once');
    expect(calls).toBe(2);
  });
});
