// The demo's metrics, taken from tenacious's diagnostics channels as any subscriber (a metrics
// library, `tenacious/opentelemetry`) would take them: no hook in the services' options.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type {
  CallIdentity,
  RetryMessage,
  TenaciousChannelName,
} from '../../src/telemetry/channels';

const counted: readonly TenaciousChannelName[] = [
  'tenacious:retry',
  'tenacious:give-up',
  'tenacious:success',
  'tenacious:circuit-state',
  'tenacious:budget-exhausted',
  'tenacious:concurrency-rejected',
  'tenacious:rate-limited',
  'tenacious:hedge',
];

export class ChannelMetrics {
  readonly #messages = new Map<TenaciousChannelName, number>();
  readonly #retriesByMethod = new Map<string, number>();
  #retryDelay = 0;
  readonly #subscribers = counted.map((name) => {
    const subscriber = (message: unknown) => this.#record(name, message);
    subscribe(name, subscriber);
    return [name, subscriber] as const;
  });

  /** Stops listening; the counts stay. */
  dispose(): void {
    for (const [name, subscriber] of this.#subscribers) unsubscribe(name, subscriber);
  }

  print(print: (line: string) => void): void {
    print('');
    print('Metrics (from the tenacious:* diagnostics channels)');
    for (const name of counted) {
      print(`  ${name.padEnd(31)} ${String(this.#messages.get(name) ?? 0).padStart(4)} messages`);
    }
    const retries = [...this.#retriesByMethod]
      .map(([method, count]) => `${method} ${count}`)
      .join(', ');
    print(`  retries by method: ${retries}`);
    print(`  time spent waiting before retries: ${this.#retryDelay} ms`);
  }

  #record(name: TenaciousChannelName, message: unknown): void {
    this.#messages.set(name, (this.#messages.get(name) ?? 0) + 1);
    if (name !== 'tenacious:retry') return;
    const retry = message as RetryMessage;
    const method = nameOf(retry);
    this.#retriesByMethod.set(method, (this.#retriesByMethod.get(method) ?? 0) + 1);
    this.#retryDelay += retry.delay;
  }
}

function nameOf({ className, method }: CallIdentity): string {
  return className === undefined ? method : `${className}.${method}`;
}
