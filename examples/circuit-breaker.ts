// A circuit breaker in front of a dependency that goes down: @CircuitBreaker stacked with @Retry.
// The first call retries the 503s until the breaker opens, and gets the last real 503; the next
// calls fail fast with BrokenCircuitError without reaching the server; after the break, one trial
// call finds the service back and closes the circuit.
// Run it: npm run example -- circuit-breaker
import { request } from 'undici';
import { Breaker, BrokenCircuitError, CircuitBreaker, HttpError, Retry } from '../src';
import { ensureOk } from '../src/undici';
import { sleep, type ExampleMain } from './example';
import { startHttpServer } from './servers/http-server';

// Short durations so the example runs in a moment; the defaults are 30 s.
const breaker = new Breaker({
  consecutiveFailures: 3,
  breakDuration: 80,
  onStateChange: ({ from, to }) => log(`  circuit: ${from} -> ${to}`),
});

class StockService {
  constructor(private readonly baseUrl: string) {}

  // The order of the two decorators does not matter: every attempt passes the breaker.
  @Retry({ maxAttempts: 5, delays: [20] })
  @CircuitBreaker(breaker)
  async stock(sku: string): Promise<{ units: number }> {
    const response = await ensureOk(await request(`${this.baseUrl}/stock/${sku}`));
    return (await response.body.json()) as { units: number };
  }
}

let log: (line: string) => void = console.log;

export const main: ExampleMain = async (print) => {
  log = print;
  const server = await startHttpServer();
  try {
    const service = new StockService(server.url);
    const requests = () => server.requests('/stock/A-1').length;
    server.script('/stock/A-1', [{ status: 503 }]);

    print('the stock service is down (503):');
    const first = await service.stock('A-1').catch((error: unknown) => error);
    print(
      `call 1 failed with ${first instanceof HttpError ? `HttpError ${first.status}` : String(first)} after ${requests()} requests`,
    );
    for (let call = 2; call <= 4; call++) {
      const error = await service.stock('A-1').catch((thrown: unknown) => thrown);
      if (error instanceof BrokenCircuitError) {
        print(`call ${call} failed fast: ${error.code}, server requests still ${requests()}`);
      }
    }

    server.script('/stock/A-1', [{ body: { units: 12 } }]);
    await sleep(100); // the break is over
    const stock = await service.stock('A-1');
    print(`after the break: ${stock.units} units, ${requests()} requests in all`);
  } finally {
    await server.close();
  }
};
