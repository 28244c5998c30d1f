// Retry on specific error classes: an inventory client turns the service's answers into its own
// errors, and `retryOn` lists the ones worth another try (a busy lock, a reservation conflict).
// When `retryOn` is given it alone decides: any other error (out of stock) is thrown at once.
// Run it: npm run example -- retry-on-error-classes
import { request } from 'undici';
import { Retry } from '../src';
import type { ExampleMain } from './example';
import { startHttpServer } from './servers/http-server';

/** The stock row is locked by another reservation: try again shortly. */
class InventoryBusyError extends Error {
  override readonly name = 'InventoryBusyError';
}

/** Two reservations raced for the same stock: try again shortly. */
class ReservationConflictError extends Error {
  override readonly name = 'ReservationConflictError';
}

/** Nothing left to reserve: another try would give the same answer. */
class OutOfStockError extends Error {
  override readonly name = 'OutOfStockError';
}

interface Reservation {
  readonly id: string;
  readonly sku: string;
  readonly quantity: number;
}

class InventoryClient {
  constructor(private readonly baseUrl: string) {}

  // Delays shortened so the example runs in a moment; the defaults start at 1 s.
  @Retry({
    retryOn: [InventoryBusyError, ReservationConflictError],
    maxAttempts: 4,
    initialDelay: 20,
    onRetry: (error, attempt, delayMs) =>
      log(`  attempt ${attempt} failed with ${String(error)}; retrying in ${delayMs} ms`),
  })
  async reserve(sku: string, quantity: number): Promise<Reservation> {
    const response = await request(`${this.baseUrl}/inventory/${sku}/reservations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ quantity }),
    });
    const body = (await response.body.json()) as { error?: string } & Partial<Reservation>;
    if (response.statusCode === 423) {
      throw new InventoryBusyError(`${sku} is locked by another reservation`);
    }
    if (response.statusCode === 409) {
      throw new ReservationConflictError(`${sku} changed while reserving`);
    }
    if (response.statusCode === 422) throw new OutOfStockError(`${sku} is out of stock`);
    if (response.statusCode !== 201) {
      throw new Error(`unexpected status ${response.statusCode}: ${body.error ?? ''}`);
    }
    return body as Reservation;
  }
}

let log: (line: string) => void = console.log;

export const main: ExampleMain = async (print) => {
  log = print;
  const server = await startHttpServer();
  try {
    server.script('/inventory/A-1/reservations', [
      { status: 423, body: { error: 'locked' } },
      { status: 409, body: { error: 'conflict' } },
      { status: 201, body: { id: 'r-1', sku: 'A-1', quantity: 2 } },
    ]);
    server.script('/inventory/B-2/reservations', [
      { status: 422, body: { error: 'out of stock' } },
      { status: 201, body: { id: 'r-2' } },
    ]);
    const inventory = new InventoryClient(server.url);

    print('reserve 2 x A-1 (the server answers 423 Locked, 409 Conflict, then 201 Created)');
    const reservation = await inventory.reserve('A-1', 2);
    const requestsForA1 = server.requests('/inventory/A-1/reservations').length;
    print(
      `reserved ${reservation.id}: ${reservation.quantity} x ${reservation.sku}, after ${requestsForA1} requests`,
    );

    print('reserve 1 x B-2 (the server answers 422: out of stock)');
    try {
      await inventory.reserve('B-2', 1);
      print('reserved B-2 (unexpected)');
    } catch (error) {
      const requestsForB2 = server.requests('/inventory/B-2/reservations').length;
      print(
        `not retried, OutOfStockError is not in retryOn: ${String(error)}, after ${requestsForB2} request(s)`,
      );
    }
  } finally {
    await server.close();
  }
};
