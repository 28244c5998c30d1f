import { parseArgs } from 'node:util';
import { defaultStormConfig, type StormConfig } from './scenarios';

export interface StormCommand {
  readonly config: StormConfig;
  readonly json: boolean;
}

const numericOptions = {
  seed: 'seed',
  trials: 'trials',
  capacity: 'capacity',
  'slot-ms': 'slotMs',
  'max-attempts': 'maxAttempts',
  'initial-delay': 'initialDelay',
  'max-delay': 'maxDelay',
  'exponential-base': 'exponentialBase',
  'outage-ms': 'outageMs',
  'outage-requests': 'outageRequests',
  'protection-seconds': 'protectionSeconds',
} as const satisfies Record<string, keyof StormConfig>;

/**
 * `--clients 10,50,100,200 --seed 1 --trials 10 --capacity 5 --slot-ms 100 --max-attempts 50
 * --initial-delay 1000 --max-delay 60000 --exponential-base 2 --outage-ms 60000
 * --outage-requests 1000 --rates 20,100 --protection-seconds 60 --json`; every option is optional.
 */
export function parseStormCommand(argv: readonly string[]): StormCommand {
  const numericFlags: Record<string, { type: 'string' }> = Object.fromEntries(
    Object.keys(numericOptions).map((name) => [name, { type: 'string' }]),
  );
  const values: Record<string, string | boolean | undefined> = parseArgs({
    args: [...argv],
    options: {
      ...numericFlags,
      clients: { type: 'string' },
      rates: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  }).values;
  const config: Record<string, unknown> = { ...defaultStormConfig };
  if (typeof values.clients === 'string') {
    config.clients = values.clients.split(',').map((part) => positiveNumber('clients', part));
  }
  if (typeof values.rates === 'string') {
    config.rates = values.rates.split(',').map((part) => positiveNumber('rates', part));
  }
  for (const [flag, key] of Object.entries(numericOptions)) {
    const raw = values[flag];
    if (typeof raw === 'string') config[key] = positiveNumber(flag, raw);
  }
  return { config: config as unknown as StormConfig, json: values.json === true };
}

function positiveNumber(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || text.trim() === '') {
    throw new RangeError(
      `bench:storm: --${flag} must be a positive number, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}
