// A retry loop written by hand with RetryContext, for code that cannot be wrapped in one function
// call. The context applies the same policy as @Retry: recordFailure(error) classifies the failure
// and decides at once; shouldRetry(), getDelay() and currentAttempt tell what it decided; wait()
// sleeps the backoff and moves on to the next attempt.
// Run it: npm run example -- manual-retry-context
import { request } from 'undici';
import { RetryContext, classifyError } from '../src';
import { ensureOk } from '../src/undici';
import type { ExampleMain } from './example';
import { startHttpServer } from './servers/http-server';

interface JobStatus {
  readonly id: string;
  readonly state: string;
}

async function pollJob(
  baseUrl: string,
  id: string,
  print: (line: string) => void,
): Promise<JobStatus> {
  // Delays shortened so the example runs in a moment; the defaults start at 1 s.
  const context = new RetryContext({ maxAttempts: 4, initialDelay: 20 });
  for (;;) {
    try {
      const response = await ensureOk(await request(`${baseUrl}/jobs/${id}`));
      const status = (await response.body.json()) as JobStatus;
      print(`  attempt ${context.currentAttempt} succeeded`);
      return status;
    } catch (error) {
      context.recordFailure(error);
      if (!context.shouldRetry()) {
        print(
          `  attempt ${context.currentAttempt} failed (${classifyError(error)}): ${String(error)}; no retry`,
        );
        throw error;
      }
      print(
        `  attempt ${context.currentAttempt} of ${context.maxAttempts} failed (${classifyError(error)}): ${String(error)}; waiting ${context.getDelay()} ms`,
      );
      await context.wait();
    }
  }
}

export const main: ExampleMain = async (print) => {
  const server = await startHttpServer();
  try {
    server.script('/jobs/J-1', [
      { status: 503 },
      { status: 502 },
      { body: { id: 'J-1', state: 'done' } },
    ]);
    server.script('/jobs/J-2', [{ status: 400, body: { message: 'bad job id' } }]);

    print('GET /jobs/J-1 (503, 502, then 200)');
    const job = await pollJob(server.url, 'J-1', print);
    print(`job ${job.id} is ${job.state}, after ${server.requests('/jobs/J-1').length} requests`);

    print('GET /jobs/J-2 (400)');
    try {
      await pollJob(server.url, 'J-2', print);
      print('job J-2 (unexpected)');
    } catch (error) {
      print(
        `gave up on J-2 (${String(error)}), after ${server.requests('/jobs/J-2').length} request(s)`,
      );
    }
  } finally {
    await server.close();
  }
};
