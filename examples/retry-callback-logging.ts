// Logging retries: `onRetry` reports each failed attempt (its number, the category classifyError
// gives the error, the delay chosen) and `onGiveUp` the end of a call that failed for good. The
// first call recovers from a dropped connection and a gateway timeout; the second meets a 500 on
// every attempt and gives up after maxAttempts.
// Run it: npm run example -- retry-callback-logging
import { request } from 'undici';
import { Retry, classifyError } from '../src';
import { ensureOk } from '../src/undici';
import type { ExampleMain } from './example';
import { startHttpServer } from './servers/http-server';

function logRetry(error: unknown, attempt: number, delayMs: number): void {
  log(
    `  [retry] attempt ${attempt} failed (${classifyError(error)}): ${String(error)}; next attempt in ${delayMs} ms`,
  );
}

function logGiveUp(error: unknown, attempts: number): void {
  log(`  [give up] after ${attempts} attempts (${classifyError(error)}): ${String(error)}`);
  lastGivenUp = error;
}

class ShipmentClient {
  constructor(private readonly baseUrl: string) {}

  // Delays shortened so the example runs in a moment; the defaults start at 1 s.
  @Retry({ maxAttempts: 3, initialDelay: 20, onRetry: logRetry, onGiveUp: logGiveUp })
  async status(id: string): Promise<{ id: string; state: string }> {
    const response = await ensureOk(await request(`${this.baseUrl}/shipments/${id}`));
    return (await response.body.json()) as { id: string; state: string };
  }
}

let log: (line: string) => void = console.log;
let lastGivenUp: unknown;

export const main: ExampleMain = async (print) => {
  log = print;
  const server = await startHttpServer();
  try {
    // The server reads the request and drops the connection, then answers 504, then 200.
    server.script('/shipments/S-1', [
      { resetAfterBody: true },
      { status: 504 },
      { body: { id: 'S-1', state: 'in transit' } },
    ]);
    server.script('/shipments/S-2', [{ status: 500, body: { message: 'database unavailable' } }]);
    const shipments = new ShipmentClient(server.url);

    print('GET /shipments/S-1 (connection dropped, then 504, then 200)');
    const shipment = await shipments.status('S-1');
    print(
      `shipment ${shipment.id}: ${shipment.state}, after ${server.requests('/shipments/S-1').length} requests`,
    );

    print('GET /shipments/S-2 (500 every time)');
    try {
      await shipments.status('S-2');
      print('shipment S-2 (unexpected)');
    } catch (error) {
      print(
        `the call threw the error onGiveUp saw: ${error === lastGivenUp}, after ${server.requests('/shipments/S-2').length} requests`,
      );
    }
  } finally {
    await server.close();
  }
};
