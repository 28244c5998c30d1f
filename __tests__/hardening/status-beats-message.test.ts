import { request } from 'undici';
import { Agent } from 'undici';
import { Retry, RetryOnRateLimit, classifyError, ErrorCategory, isRateLimitError } from '../../src';
import { isFailureBeforeProcessing } from '../../src/classify/before-processing';
import { ensureOk, HttpError } from '../../src/undici';
import { startHttpServer, type ScriptedHttpServer } from '../../examples/servers/http-server';

// Rule: a definite HTTP status (or an AWS error name, code or `$retryable`) decides; the message
// is read only when there is nothing definite. ensureOk quotes the error body in the message, so
// a body that merely mentions a rate limit must not change what is retried.

let server: ScriptedHttpServer;
let agent: Agent;

beforeAll(async () => {
  server = await startHttpServer();
  agent = new Agent();
});

afterAll(async () => {
  await agent.destroy();
  await server.close();
});

beforeEach(() => server.reset());

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('a definite status beats the message text (real undici request() against 127.0.0.1)', () => {
  it('sends a processed POST once under idempotent: false although its 500 body speaks of a rate limiter', async () => {
    server.script('/update', [
      { status: 500, body: { error: 'internal error while updating the rate limiter' } },
    ]);
    const url = `${server.url}/update`;
    class Accounts {
      @Retry({ idempotent: false, initialDelay: 0, maxDelay: 0 })
      async update(): Promise<unknown> {
        const response = await ensureOk(
          await request(url, { method: 'POST', body: '{"amount":1}', dispatcher: agent }),
        );
        return response.body.json();
      }
    }

    const error = await rejectionOf(new Accounts().update());

    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(500);
    expect((error as HttpError).message).toContain('rate limiter');
    expect(server.requests('/update')).toHaveLength(1);
  });

  it('sends a 400 about a field named rate_limit once on a stacked @Retry + @RetryOnRateLimit method', async () => {
    server.script('/settings', [
      { status: 400, body: { error: 'invalid value for field rate_limit' } },
    ]);
    const url = `${server.url}/settings`;
    class Settings {
      @Retry({ initialDelay: 0, maxDelay: 0 })
      @RetryOnRateLimit({ initialDelay: 0, maxDelay: 0 })
      async save(): Promise<unknown> {
        const response = await ensureOk(
          await request(url, { method: 'PUT', body: '{}', dispatcher: agent }),
        );
        return response.body.json();
      }
    }

    const error = await rejectionOf(new Settings().save());

    expect((error as HttpError).status).toBe(400);
    expect(server.requests('/settings')).toHaveLength(1);
  });

  it('still retries a 503 whose body says nothing of rate limits, before processing, under idempotent: false', async () => {
    server.script('/busy', [{ status: 503, body: { error: 'busy' } }, { body: { ok: true } }]);
    const url = `${server.url}/busy`;
    const call = async (): Promise<unknown> =>
      (await ensureOk(await request(url, { method: 'POST', dispatcher: agent }))).body.json();
    class Busy {
      @Retry({ idempotent: false, initialDelay: 0, maxDelay: 0 })
      async post(): Promise<unknown> {
        return call();
      }
    }
    await expect(new Busy().post()).resolves.toEqual({ ok: true });
    expect(server.requests('/busy')).toHaveLength(2);
  });
});

describe('every reader of messages follows the rule', () => {
  const withStatus = (status: number, message: string): Error =>
    Object.assign(new Error(message), { status });

  it('isRateLimitError: a status that is not 429 wins over rate-limit text', () => {
    expect(isRateLimitError(new HttpError(400, {}, 'invalid value for field rate_limit'))).toBe(
      false,
    );
    expect(isRateLimitError(withStatus(500, 'throttled by the rate limiter'))).toBe(false);
    expect(
      isRateLimitError(
        Object.assign(new Error('Rate exceeded'), { $metadata: { httpStatusCode: 400 } }),
      ),
    ).toBe(false);
    // An unknown error code is not definite, a known one is.
    expect(isRateLimitError(Object.assign(new Error('rate limited'), { code: 'ECONNRESET' }))).toBe(
      false,
    );
  });

  it('isRateLimitError: definite rate-limit signals still count, whatever the status', () => {
    expect(isRateLimitError(withStatus(429, 'nothing to see'))).toBe(true);
    const throttling = Object.assign(new Error('Rate exceeded'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    expect(isRateLimitError(throttling)).toBe(true);
    expect(
      isRateLimitError(
        Object.assign(new Error('x'), {
          $retryable: { throttling: true },
          $metadata: { httpStatusCode: 400 },
        }),
      ),
    ).toBe(true);
  });

  it('isRateLimitError: the text still decides when nothing is definite', () => {
    expect(isRateLimitError(new Error('rate limit exceeded'))).toBe(true);
    expect(isRateLimitError('Throttled')).toBe(true);
    expect(isRateLimitError(new TypeError('fetch failed', { cause: new Error('throttled') }))).toBe(
      true,
    );
  });

  it('isFailureBeforeProcessing: rate-limit text on a 500 or a 400 does not make it "before processing"', () => {
    expect(isFailureBeforeProcessing(withStatus(500, 'rate limiter update failed'))).toBe(false);
    expect(isFailureBeforeProcessing(new HttpError(400, {}, 'HTTP 400: rate_limit'))).toBe(false);
    expect(isFailureBeforeProcessing(withStatus(503, 'down'))).toBe(true);
    expect(isFailureBeforeProcessing(new Error('throttled'))).toBe(true);
  });

  it('isFailureBeforeProcessing: the AWS connect-timeout message counts only on an error without status or code', () => {
    const connectTimeout = (): Error =>
      Object.assign(
        new Error(
          'the request socket did not establish a connection with the server within 1000 ms',
        ),
        { name: 'TimeoutError' },
      );
    expect(isFailureBeforeProcessing(connectTimeout())).toBe(true);
    expect(isFailureBeforeProcessing(Object.assign(connectTimeout(), { code: 'ECONNRESET' }))).toBe(
      false,
    );
    expect(
      isFailureBeforeProcessing(
        Object.assign(connectTimeout(), { $metadata: { httpStatusCode: 500 } }),
      ),
    ).toBe(false);
  });

  it('classifyError: the status decides, the text only without one', () => {
    expect(classifyError(new HttpError(400, {}, 'HTTP 400: throttled'))).toBe(
      ErrorCategory.NON_RETRYABLE,
    );
    expect(classifyError(new Error('throttled'))).toBe(ErrorCategory.RETRYABLE);
    // A known code is definite too: an invalid argument about a rate limit is not a rate limit.
    expect(
      classifyError(
        Object.assign(new Error('rate limit must be > 0'), { code: 'UND_ERR_INVALID_ARG' }),
      ),
    ).toBe(ErrorCategory.NON_RETRYABLE);
  });
});
