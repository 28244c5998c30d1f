import {
  AccessDeniedException,
  ModelNotReadyException,
  ModelTimeoutException,
  InternalServerException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
  type BedrockRuntimeClient,
} from '@aws-sdk/client-bedrock-runtime';
import {
  createLocalBedrockClient,
  startBedrockServer,
  type BedrockExceptionName,
  type BedrockProtocol,
  type LocalBedrockServer,
  type ScriptedResponse,
} from '../../examples/servers/bedrock-server';
import type { ErrorClass, RateLimitOptions, RetryOptions } from '../../src';
import {
  asSdkError,
  callerKinds,
  converseInput,
  createCaller,
  decodeText,
  invokeInput,
  replyText,
  type BedrockCaller,
} from './bedrock-callers';
import { ErrorCategory, RetryRecorder, rejectionOf } from './retry-recorder';

// The real BedrockRuntimeClient (SDK retries off) against the local Bedrock server, through
// ResilientBedrock and through a user's own class with stacked @RetryOnRateLimit + @Retry. Real
// timers: random 0 makes every jittered backoff 0 ms, so only a Retry-After costs real time.

const protocols: BedrockProtocol[] = ['http2', 'http1'];
const backoff = { initialDelay: 1, maxDelay: 50, random: () => 0 } as const;

const rateLimitLane = new RetryRecorder();
const retryLane = new RetryRecorder();

function lanes(retry: RetryOptions = {}, rateLimit: RateLimitOptions = {}) {
  return {
    retry: { ...backoff, onRetry: retryLane.onRetry, onGiveUp: retryLane.onGiveUp, ...retry },
    rateLimit: {
      ...backoff,
      onRetry: rateLimitLane.onRetry,
      onGiveUp: rateLimitLane.onGiveUp,
      ...rateLimit,
    },
  };
}

function error(
  exception: BedrockExceptionName,
  extra: { retryAfterSeconds?: number } = {},
): ScriptedResponse {
  return { kind: 'error', exception, ...extra };
}

function times(count: number, response: ScriptedResponse): ScriptedResponse[] {
  return Array.from({ length: count }, () => response);
}

describe.each(protocols)('Bedrock over %s', (protocol) => {
  let server: LocalBedrockServer;
  let client: BedrockRuntimeClient;

  beforeAll(async () => {
    server = await startBedrockServer({ protocol });
    client = createLocalBedrockClient(server);
  });
  afterAll(async () => {
    client.destroy();
    await server.close();
  });
  beforeEach(() => {
    server.reset();
    rateLimitLane.clear();
    retryLane.clear();
  });

  describe.each(callerKinds)('through %s', (kind) => {
    const callerWith = (retry?: RetryOptions, rateLimit?: RateLimitOptions): BedrockCaller =>
      createCaller(kind, client, lanes(retry, rateLimit));

    describe('the rate-limit lane', () => {
      it.each<[BedrockExceptionName, ErrorClass]>([
        ['ThrottlingException', ThrottlingException],
        ['ModelNotReadyException', ModelNotReadyException],
      ])('retries %s (429) until the reply comes', async (exception, exceptionClass) => {
        server.enqueue('Converse', ...times(3, error(exception)), {
          kind: 'converse',
          text: 'after throttling',
        });

        const output = await callerWith().converse(converseInput);

        expect(replyText(output)).toBe('after throttling');
        expect(server.requestCount('Converse')).toBe(4);
        expect(rateLimitLane.retries.map((retry) => retry.attempt)).toEqual([1, 2, 3]);
        expect(rateLimitLane.retries.every((retry) => retry.error instanceof exceptionClass)).toBe(
          true,
        );
        expect(retryLane.retries).toEqual([]);
      });

      it('gives up after its maxAttempts with the ThrottlingException itself, the one onGiveUp saw', async () => {
        server.enqueue('InvokeModel', ...times(5, error('ThrottlingException')));

        const thrown = await rejectionOf(
          callerWith({}, { maxAttempts: 3 }).invokeModel(invokeInput),
        );

        expect(thrown).toBeInstanceOf(ThrottlingException);
        expect(asSdkError(thrown).$metadata?.httpStatusCode).toBe(429);
        expect(server.requestCount('InvokeModel')).toBe(3);
        expect(rateLimitLane.giveUps).toEqual([expect.objectContaining({ attempts: 3 })]);
        expect(rateLimitLane.giveUps[0]?.error).toBe(thrown);
        // An exhausted rate-limit lane is final: the retry lane, with room left, does not take over.
        expect(retryLane.retries).toEqual([]);
      });

      it('waits at least what retry-after asks (fractional seconds) before the next request', async () => {
        server.enqueue('InvokeModel', error('ThrottlingException', { retryAfterSeconds: 0.025 }), {
          kind: 'invoke',
          body: { answer: 42 },
        });
        const startedAt = Date.now();

        const output = await callerWith().invokeModel(invokeInput);

        expect(JSON.parse(decodeText(output.body))).toEqual({ answer: 42 });
        expect(rateLimitLane.retries.map((retry) => retry.delayMs)).toEqual([25]);
        expect(Date.now() - startedAt).toBeGreaterThanOrEqual(24);
        expect(server.requestCount()).toBe(2);
      });

      it('clamps a longer retry-after to maxDelay', async () => {
        server.enqueue('Converse', error('ThrottlingException', { retryAfterSeconds: 30 }));

        await callerWith({}, { maxDelay: 5 }).converse(converseInput);

        expect(rateLimitLane.retries.map((retry) => retry.delayMs)).toEqual([5]);
        expect(server.requestCount()).toBe(2);
      });
    });

    describe('the retry lane', () => {
      it.each<[BedrockExceptionName, ErrorClass, ErrorCategory]>([
        ['ServiceUnavailableException', ServiceUnavailableException, ErrorCategory.RETRYABLE],
        ['InternalServerException', InternalServerException, ErrorCategory.RETRYABLE],
        ['ModelTimeoutException', ModelTimeoutException, ErrorCategory.TIMEOUT],
      ])('retries %s, then returns the reply', async (exception, exceptionClass, category) => {
        server.enqueue('Converse', error(exception), error(exception), {
          kind: 'converse',
          text: 'recovered',
        });

        const output = await callerWith().converse(converseInput);

        expect(replyText(output)).toBe('recovered');
        expect(server.requestCount('Converse')).toBe(3);
        expect(retryLane.retries.map((retry) => retry.category)).toEqual([category, category]);
        expect(retryLane.retries[0]?.error).toBeInstanceOf(exceptionClass);
        expect(rateLimitLane.retries).toEqual([]);
      });

      it('gives up after its own maxAttempts with the last exception', async () => {
        server.setDefault('InvokeModel', error('ServiceUnavailableException'));

        const thrown = await rejectionOf(
          callerWith({ maxAttempts: 2 }, { maxAttempts: 10 }).invokeModel(invokeInput),
        );

        expect(thrown).toBeInstanceOf(ServiceUnavailableException);
        expect(asSdkError(thrown).$metadata?.httpStatusCode).toBe(503);
        expect(server.requestCount()).toBe(2);
        expect(retryLane.giveUps).toEqual([expect.objectContaining({ attempts: 2 })]);
        expect(retryLane.giveUps[0]?.error).toBe(thrown);
      });
    });

    describe('both lanes on one call', () => {
      it('never makes more than 1 + (retry - 1) + (rateLimit - 1) requests for a mix of 429s and 503s', async () => {
        const alternating = Array.from({ length: 6 }, () => [
          error('ThrottlingException'),
          error('ServiceUnavailableException'),
        ]).flat();
        server.enqueue('Converse', ...alternating);

        const thrown = await rejectionOf(
          callerWith({ maxAttempts: 3 }, { maxAttempts: 4 }).converse(converseInput),
        );

        expect(server.requestCount()).toBe(1 + (3 - 1) + (4 - 1));
        expect(thrown).toBeInstanceOf(ServiceUnavailableException);
        expect(rateLimitLane.retries).toHaveLength(3);
        expect(retryLane.retries).toHaveLength(2);
      });

      it('counts each lane separately: 3 throttles and 2 outages still end in the reply', async () => {
        server.enqueue(
          'Converse',
          ...times(3, error('ThrottlingException')),
          ...times(2, error('InternalServerException')),
          { kind: 'converse', text: 'sixth time lucky' },
        );

        const output = await callerWith({ maxAttempts: 3 }, { maxAttempts: 4 }).converse(
          converseInput,
        );

        expect(replyText(output)).toBe('sixth time lucky');
        expect(server.requestCount()).toBe(6);
      });
    });

    describe('errors that are not retried', () => {
      it.each<[BedrockExceptionName, number, ErrorClass]>([
        ['ValidationException', 400, ValidationException],
        ['AccessDeniedException', 403, AccessDeniedException],
      ])(
        '%s (status %i) is thrown at once, as the SDK exception',
        async (exception, status, exceptionClass) => {
          server.enqueue('Converse', error(exception), {
            kind: 'converse',
            text: 'must not be reached',
          });

          const thrown = await rejectionOf(callerWith().converse(converseInput));

          expect(thrown).toBeInstanceOf(exceptionClass);
          expect(asSdkError(thrown).name).toBe(exception);
          expect(asSdkError(thrown).$metadata?.httpStatusCode).toBe(status);
          expect(server.requestCount()).toBe(1);
          expect([...rateLimitLane.retries, ...retryLane.retries]).toEqual([]);
          expect(
            [...rateLimitLane.giveUps, ...retryLane.giveUps].map((giveUp) => [
              giveUp.error,
              giveUp.attempts,
            ]),
          ).toEqual([[thrown, 1]]);
        },
      );
    });

    describe('an abortSignal in the call options', () => {
      it('cancels a pending retry wait at once, rejecting with the reason', async () => {
        server.enqueue('Converse', error('ThrottlingException'));
        const controller = new AbortController();
        const reason = new Error('the user closed the tab');
        // A minute-long wait that only the abort can cut short.
        const caller = callerWith(
          {},
          { initialDelay: 60_000, maxDelay: 60_000, random: () => 0.5 },
        );
        const sleeping = rateLimitLane.nextRetry();
        const call = rejectionOf(
          caller.converse(converseInput, { abortSignal: controller.signal }),
        );

        expect((await sleeping).delayMs).toBe(30_000);
        const abortedAt = Date.now();
        controller.abort(reason);

        expect(await call).toBe(reason);
        // Far below the 30 s wait, and far above what a loaded machine takes to settle the call.
        expect(Date.now() - abortedAt).toBeLessThan(5_000);
        expect(server.requestCount()).toBe(1);
        expect([...rateLimitLane.giveUps, ...retryLane.giveUps]).toEqual([]);
      });
    });
  });
});
