// A rate limit tenacious cannot recognise by itself: this translation API signals a used-up
// per-minute quota with 403 and `{"error":{"reason":"quotaExhausted"}}`. The client wrapper turns
// that into its own QuotaExhaustedError, and `rateLimitErrors: [QuotaExhaustedError]` puts it on the
// rate-limit lane. Another 403 (the API is disabled for the project) is a different class: not retried.
// Run it: npm run example -- custom-rate-limit-error
import { request } from 'undici';
import { RetryOnRateLimit, isRateLimitError } from '../src';
import type { ExampleMain } from './example';
import { startHttpServer } from './servers/http-server';

/** The project's quota for this minute is used up: it comes back, so wait and try again. */
class QuotaExhaustedError extends Error {
  override readonly name = 'QuotaExhaustedError';
}

/** The API is not enabled for this project: no amount of waiting changes that. */
class ApiDisabledError extends Error {
  override readonly name = 'ApiDisabledError';
}

interface ErrorBody {
  error?: { reason?: string; message?: string };
}

class TranslationClient {
  constructor(private readonly baseUrl: string) {}

  // Delays shortened so the example runs in a moment; the rate-limit defaults start at 2 s, up to 120 s.
  @RetryOnRateLimit({
    rateLimitErrors: [QuotaExhaustedError],
    maxAttempts: 4,
    initialDelay: 20,
    onRetry: (error, attempt, delayMs) =>
      log(
        `  attempt ${attempt} failed with ${String(error)}; rate-limit lane, retrying in ${delayMs} ms`,
      ),
  })
  async translate(text: string, target: string): Promise<string> {
    const response = await request(`${this.baseUrl}/translate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, target }),
    });
    const body = (await response.body.json()) as ErrorBody & { translation?: string };
    if (response.statusCode === 200 && body.translation !== undefined) return body.translation;
    const reason = body.error?.reason;
    const message = body.error?.message ?? `status ${response.statusCode}`;
    if (reason === 'quotaExhausted') throw new QuotaExhaustedError(message);
    if (reason === 'apiDisabled') throw new ApiDisabledError(message);
    throw new Error(`unexpected answer ${response.statusCode}: ${message}`);
  }
}

let log: (line: string) => void = console.log;

export const main: ExampleMain = async (print) => {
  log = print;
  const server = await startHttpServer();
  try {
    const quotaExhausted = {
      status: 403,
      body: {
        error: { reason: 'quotaExhausted', message: 'translation characters per minute used up' },
      },
    };
    const apiDisabled = {
      status: 403,
      body: {
        error: {
          reason: 'apiDisabled',
          message: 'the Translation API is disabled for project demo-42',
        },
      },
    };
    const translations = new TranslationClient(server.url);

    print(
      `built-in rate-limit detection sees a QuotaExhaustedError: ${isRateLimitError(new QuotaExhaustedError('translation characters per minute used up'))}`,
    );

    print('translate "good morning" to French (403 quotaExhausted twice, then 200)');
    server.script('/translate', [
      quotaExhausted,
      quotaExhausted,
      { body: { translation: 'bonjour' } },
    ]);
    const translation = await translations.translate('good morning', 'fr');
    print(`translation: "${translation}", after ${server.requests('/translate').length} requests`);

    server.reset();
    print('translate "good night" to French (403 apiDisabled)');
    server.script('/translate', [apiDisabled, { body: { translation: 'bonne nuit' } }]);
    try {
      await translations.translate('good night', 'fr');
      print('translated "good night" (unexpected)');
    } catch (error) {
      print(
        `not retried, ApiDisabledError is not a rate limit: ${String(error)}, after ${server.requests('/translate').length} request(s)`,
      );
    }
  } finally {
    await server.close();
  }
};
