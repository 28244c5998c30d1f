// tenacious/bedrock: AWS Bedrock Runtime calls with tenacious's two retry lanes. This entry point,
// and no other, loads @aws-sdk/client-bedrock-runtime (an optional peer dependency).
import './polyfill';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  type BedrockRuntimeClientConfig,
  type ConverseCommandInput,
  type ConverseCommandOutput,
  type ConverseStreamCommandInput,
  type ConverseStreamOutput,
  type InvokeModelCommandInput,
  type InvokeModelCommandOutput,
  type InvokeModelWithResponseStreamCommandInput,
  type ResponseStream,
} from '@aws-sdk/client-bedrock-runtime';
import { callAsynchronouslyWithRetry, type RetriedFunction } from './core/call-with-retry';
import { streamWithRetry } from './core/stream-with-retry';
import type { RateLimitOptions, RetryOptions } from './policy/options';
import { createRetryPolicy } from './policy/retry-policy';
import { compilePipeline, type Pipeline } from './core/pipeline';
import { CallStatistics } from './telemetry/statistics';
import { createFunctionPolicies, preparePolicySettings } from './core/policy-registry';
import { policyRegistrations } from './policies/registrations';
import type { CircuitBreakerSetting, RateLimiterSetting } from './policy/policy-settings';
import { validateRateLimitOptions, validateRetryOptions } from './policy/validate-options';
import { describeValue } from './policy/describe-value';
import { mergeOwnKeys } from './policy/own-keys';

export interface ResilientBedrockOptions {
  /**
   * A client to use. It should have SDK retries off (`maxAttempts: 1`); a warning says so if not.
   * Not together with `clientConfig`.
   * @default a client built from `clientConfig`, with SDK retries off
   */
  client?: BedrockRuntimeClient;
  /**
   * Configuration for the client ResilientBedrock builds when no `client` is given; its
   * `maxAttempts`, `retryStrategy` and `retryMode` are replaced (SDK retries off).
   * @default {} (the SDK's defaults: region and credentials from the environment)
   */
  clientConfig?: BedrockRuntimeClientConfig;
  /**
   * The retry lane: transient failures (5xx, timeouts, network).
   * @default `@Retry`'s defaults, with a retry budget of its own unless `budget` names one
   */
  retry?: RetryOptions;
  /**
   * The rate-limit lane: ThrottlingException, ModelNotReadyException, HTTP 429.
   * @default `@RetryOnRateLimit`'s defaults
   */
  rateLimit?: RateLimitOptions;
  /**
   * A circuit breaker in front of every call's attempts: breaker options, or a `Breaker` to share
   * (one per model id with `key`, e.g. `key: (_client, [input]) => input.modelId`).
   * @default undefined (no circuit breaker)
   */
  circuitBreaker?: CircuitBreakerSetting;
  /**
   * A rate limiter every attempt takes a turn from: limiter options, or a `RateLimiter` to share
   * (a tokens-per-minute quota with `cost: ([input]) => input.inferenceConfig?.maxTokens ?? 4096`).
   * @default undefined (no rate limiter)
   */
  rateLimiter?: RateLimiterSetting;
}

/** Per-call options, passed through to `client.send`. An `abortSignal` also cancels the retries. */
export interface BedrockCallOptions {
  abortSignal?: AbortSignal;
}

const knownOptions = new Set([
  'client',
  'clientConfig',
  'retry',
  'rateLimit',
  'circuitBreaker',
  'rateLimiter',
]);
const warnedClients = new WeakSet<object>();

/**
 * Bedrock Runtime with retries: throttling follows the rate-limit lane (long, jittered backoff,
 * Retry-After honoured), other transient failures the retry lane; validation and access errors are
 * thrown at once. Streams are retried until their first event, never after.
 */
export class ResilientBedrock {
  readonly client: BedrockRuntimeClient;
  readonly #policy: Pipeline;

  constructor(options: ResilientBedrockOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(
        `ResilientBedrock: expected an options object, got ${describeValue(options)}`,
      );
    }
    // One read of each own option, into a record without a prototype (validate-options.ts).
    const given: ResilientBedrockOptions = mergeOwnKeys(options);
    for (const key of Object.keys(given)) {
      if (!knownOptions.has(key)) {
        const value = describeValue((given as Record<string, unknown>)[key]);
        throw new TypeError(`ResilientBedrock: unknown option "${key}" (value ${value})`);
      }
    }
    if (given.client !== undefined && given.clientConfig !== undefined) {
      throw new TypeError('ResilientBedrock: give either "client" or "clientConfig", not both');
    }
    if (
      given.client !== undefined &&
      typeof (given.client as { send?: unknown }).send !== 'function'
    ) {
      throw new TypeError(
        `ResilientBedrock: option "client" must be a BedrockRuntimeClient, got ${describeValue(given.client)}`,
      );
    }
    if (
      given.clientConfig !== undefined &&
      (typeof given.clientConfig !== 'object' || given.clientConfig === null)
    ) {
      throw new TypeError(
        `ResilientBedrock: option "clientConfig" must be an object, got ${describeValue(given.clientConfig)}`,
      );
    }
    const retry = validateRetryOptions(given.retry, 'ResilientBedrock retry');
    // Its own budget unless `retry.budget` names one (or is false), as a `retryable` function has.
    const policySettings = preparePolicySettings(
      policyRegistrations,
      {
        budget: retry.budget,
        circuitBreaker: given.circuitBreaker,
        rateLimiter: given.rateLimiter,
      },
      'ResilientBedrock',
    );
    this.#policy = compilePipeline(
      createRetryPolicy({
        retry: [retry],
        rateLimit: [validateRateLimitOptions(given.rateLimit, 'ResilientBedrock rateLimit')],
      }),
      createFunctionPolicies(policyRegistrations, policySettings, {
        kind: 'function',
        owner: undefined,
        source: 'ResilientBedrock',
      }),
      // One pipeline serves the four methods: telemetry names the class and "send", the request.
      {
        identity: { className: 'ResilientBedrock', method: 'send' },
        statistics: new CallStatistics(),
      },
    );
    if (given.client !== undefined) {
      this.client = given.client;
      warnIfClientRetries(given.client);
    } else {
      // The SDK's own retries would multiply with ours (3 x 5 calls per throttled request). A
      // retryStrategy in the config would outrank maxAttempts, so it is dropped too, and the
      // adaptive mode's client-side rate limiter would add its waits to the rate-limit lane's.
      this.client = new BedrockRuntimeClient({
        ...given.clientConfig,
        maxAttempts: 1,
        retryStrategy: undefined,
        retryMode: 'standard',
      });
    }
  }

  converse(
    input: ConverseCommandInput,
    options?: BedrockCallOptions,
  ): Promise<ConverseCommandOutput> {
    return this.#call(sendConverse, input, options) as Promise<ConverseCommandOutput>;
  }

  invokeModel(
    input: InvokeModelCommandInput,
    options?: BedrockCallOptions,
  ): Promise<InvokeModelCommandOutput> {
    return this.#call(sendInvokeModel, input, options) as Promise<InvokeModelCommandOutput>;
  }

  /** The ConverseStream events (messageStart, contentBlockDelta, …, metadata). */
  converseStream(
    input: ConverseStreamCommandInput,
    options?: BedrockCallOptions,
  ): AsyncIterable<ConverseStreamOutput> {
    return streamWithRetry(this.#policy, converseStreamEvents as RetriedFunction, this.client, [
      input,
      options,
    ]) as AsyncIterable<ConverseStreamOutput>;
  }

  /** The InvokeModelWithResponseStream events (`{ chunk: { bytes } }`, …). */
  invokeModelWithResponseStream(
    input: InvokeModelWithResponseStreamCommandInput,
    options?: BedrockCallOptions,
  ): AsyncIterable<ResponseStream> {
    return streamWithRetry(this.#policy, invokeModelStreamEvents as RetriedFunction, this.client, [
      input,
      options,
    ]) as AsyncIterable<ResponseStream>;
  }

  #call(
    send: (
      this: BedrockRuntimeClient,
      input: never,
      options?: BedrockCallOptions,
    ) => Promise<unknown>,
    input: unknown,
    options: BedrockCallOptions | undefined,
  ): Promise<unknown> {
    return callAsynchronouslyWithRetry(this.#policy, send as RetriedFunction, this.client, [
      input,
      options,
    ]);
  }
}

// `async`, so that a policy knows before the first call that these answer with a promise (a rate
// limiter only makes an attempt wait where the call answers with one).
async function sendConverse(
  this: BedrockRuntimeClient,
  input: ConverseCommandInput,
  options?: BedrockCallOptions,
): Promise<ConverseCommandOutput> {
  return this.send(new ConverseCommand(input), options);
}

async function sendInvokeModel(
  this: BedrockRuntimeClient,
  input: InvokeModelCommandInput,
  options?: BedrockCallOptions,
): Promise<InvokeModelCommandOutput> {
  return this.send(new InvokeModelCommand(input), options);
}

// An exception in the stream's first frame is thrown by send(); one after data arrived is thrown
// by the iteration. Both runners treat "before the first event" as retryable, "after" as final.
async function* converseStreamEvents(
  this: BedrockRuntimeClient,
  input: ConverseStreamCommandInput,
  options?: BedrockCallOptions,
): AsyncGenerator<ConverseStreamOutput> {
  const request = new StreamRequest(options);
  try {
    const output = await this.send(new ConverseStreamCommand(input), request.options);
    if (output.stream) yield* output.stream;
    request.ended();
  } catch (error) {
    throw request.failure(error);
  } finally {
    request.release();
  }
}

async function* invokeModelStreamEvents(
  this: BedrockRuntimeClient,
  input: InvokeModelWithResponseStreamCommandInput,
  options?: BedrockCallOptions,
): AsyncGenerator<ResponseStream> {
  const request = new StreamRequest(options);
  try {
    const output = await this.send(
      new InvokeModelWithResponseStreamCommand(input),
      request.options,
    );
    if (output.body) yield* output.body;
    request.ended();
  } catch (error) {
    throw request.failure(error);
  } finally {
    request.release();
  }
}

/**
 * The options of a stream's request, with a signal of its own: the SDK's event-stream decoder never
 * closes the response body when its iteration is closed early, so a consumer that breaks out would
 * leave the request (and the model's generation) running to the end of the answer. Aborted when
 * the stream is left before its end; the caller's `abortSignal` aborts it too.
 */
class StreamRequest {
  readonly options: BedrockCallOptions;
  readonly #controller = new AbortController();
  readonly #callerSignal: AbortSignal | undefined;
  #done = false;
  readonly #forwardAbort = (): void => this.#controller.abort(this.#callerSignal!.reason);

  constructor(options: BedrockCallOptions | undefined) {
    this.#callerSignal = options?.abortSignal;
    if (this.#callerSignal?.aborted === true) this.#controller.abort(this.#callerSignal.reason);
    else this.#callerSignal?.addEventListener('abort', this.#forwardAbort, { once: true });
    this.options = { ...options, abortSignal: this.#controller.signal };
  }

  /**
   * The stream's events ran out: nothing to cancel. If the caller aborted, they ran out because of
   * it (over HTTP/2, and over HTTP/1.1 after a frame's end, the SDK ends the stream quietly), so
   * the abort's reason is thrown rather than a cut stream passing for a whole one.
   */
  ended(): void {
    this.#done = true;
    this.#callerSignal?.throwIfAborted();
  }

  /**
   * What the stream throws for `error`: the abort's reason once the caller aborted, as `fetch`
   * does (over HTTP/1.1 the SDK fails the cut body with ECONNRESET), else the error itself.
   */
  failure(error: unknown): unknown {
    return this.#callerSignal?.aborted === true ? this.#callerSignal.reason : error;
  }

  release(): void {
    this.#callerSignal?.removeEventListener('abort', this.#forwardAbort);
    if (!this.#done) {
      this.#controller.abort(
        new DOMException('the stream was closed by its consumer', 'AbortError'),
      );
    }
  }
}

/**
 * A client that retries on its own multiplies attempts with ours. Its retry settings are async
 * providers, so the check runs after construction; the warning comes once per client.
 */
function warnIfClientRetries(client: BedrockRuntimeClient): void {
  if (warnedClients.has(client)) return;
  warnedClients.add(client);
  sdkMaxAttempts(client).then(
    (maxAttempts) => {
      const retries =
        maxAttempts === undefined
          ? 'has a custom retryStrategy, which may retry on its own'
          : maxAttempts > 1
            ? `retries on its own (maxAttempts ${maxAttempts})`
            : undefined;
      if (retries === undefined) return;
      process.emitWarning(
        `the Bedrock client given to ResilientBedrock ${retries}, so attempts multiply with ` +
          "tenacious's; create it with maxAttempts: 1 and no retryStrategy",
        { code: 'TENACIOUS_SDK_RETRIES', type: 'TenaciousWarning' },
      );
    },
    () => undefined, // a client whose retry settings cannot be read is not worth a failure
  );
}

/** The client's own attempts per request; undefined for a custom strategy that does not say. */
async function sdkMaxAttempts(client: BedrockRuntimeClient): Promise<number | undefined> {
  const config = client.config as {
    maxAttempts?: () => Promise<number>;
    retryStrategy?: () => Promise<unknown>;
  };
  // The SDK's strategies expose getMaxAttempts(); its adaptive one, through the standard strategy
  // it wraps. A custom one (RetryStrategyV2) need not, and then decides for itself whatever
  // maxAttempts says.
  type CountingStrategy = { getMaxAttempts?: () => Promise<number> | number };
  const strategy = (await config.retryStrategy?.()) as
    (CountingStrategy & { standardRetryStrategy?: CountingStrategy }) | undefined;
  if (typeof strategy?.getMaxAttempts === 'function') return strategy.getMaxAttempts();
  const wrapped = strategy?.standardRetryStrategy;
  if (typeof wrapped?.getMaxAttempts === 'function') return wrapped.getMaxAttempts();
  if (strategy !== undefined && strategy !== null) return undefined;
  return (await config.maxAttempts?.()) ?? 1;
}
