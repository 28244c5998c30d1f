import * as basicRetry from './basic-retry';
import type { ExampleMain } from './example';

interface CatalogEntry {
  readonly description: string;
  /** Lines the example must print: `__tests__/examples.test.ts` checks each matches some output line. */
  readonly expectedOutput: readonly RegExp[];
  readonly main: ExampleMain;
}

/** The runnable examples: `npm run example -- <name>`. `__tests__/examples.test.ts` runs them all. */
export const examples: Readonly<Record<string, CatalogEntry>> = {
  'basic-retry': {
    description: 'retry an unstable HTTP API (503, 503, 200) with @Retry and undici',
    expectedOutput: [/attempt 1 failed \(retryable\)/, /attempt 2 failed \(retryable\)/, /price of A-1: 1299 cents, after 3 requests/],
    main: basicRetry.main,
  },
};
