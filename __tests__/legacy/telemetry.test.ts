import 'reflect-metadata';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { ErrorCategory, HttpError, Retry, stats, type RetryMessage } from '../../src';

// The channels and stats() with legacy `experimentalDecorators` (tsconfig.legacy.json): messages
// name the class and the method as they do with standard decorators.

class Billing {
  failuresLeft = 1;

  @Retry({ jitter: 'none', initialDelay: 0, maxAttempts: 3, budget: false })
  async invoice(id: string): Promise<string> {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new HttpError(502);
    }
    return `invoice ${id}`;
  }

  @Retry({ jitter: 'none', initialDelay: 0, maxAttempts: 2, budget: false })
  static audit(): never {
    throw new HttpError(503);
  }
}

describe('legacy decorators and telemetry', () => {
  it('publish retries naming the class and the method, and count them for stats()', async () => {
    const seen: unknown[] = [];
    const subscriber = (message: unknown) => seen.push(message);
    subscribe('tenacious:retry', subscriber);
    try {
      await expect(new Billing().invoice('7')).resolves.toBe('invoice 7');
      expect(() => Billing.audit()).toThrow(HttpError);
    } finally {
      unsubscribe('tenacious:retry', subscriber);
    }
    const expected = (method: string, status: number): RetryMessage => ({
      className: 'Billing',
      method,
      attempt: 1,
      delay: 0,
      lane: 'retry',
      category: ErrorCategory.RETRYABLE,
      error: expect.objectContaining({ status }) as unknown,
    });
    expect(seen).toEqual([expected('invoice', 502), expected('audit', 503)]);
    expect(stats(Billing.prototype.invoice)).toMatchObject({ calls: 1, retries: 1, recovered: 1 });
    expect(stats(Billing.audit)).toMatchObject({ calls: 1, attempts: 2, giveUps: 1 });
  });
});

describe('legacy decorators and telemetry, in a class hierarchy', () => {
  it('name the class a call is made through, for an inherited method too', () => {
    class PlainBilling extends Billing {}
    const seen: string[] = [];
    const subscriber = (message: unknown) => seen.push(String((message as RetryMessage).className));
    subscribe('tenacious:retry', subscriber);
    try {
      expect(() => PlainBilling.audit()).toThrow(HttpError);
      expect(() => Billing.audit()).toThrow(HttpError);
    } finally {
      unsubscribe('tenacious:retry', subscriber);
    }
    expect(seen).toEqual(['PlainBilling', 'Billing']);
  });
});
