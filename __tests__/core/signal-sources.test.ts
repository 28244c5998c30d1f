import { HttpError, retryable } from '../../src';

// Which signal a call listens to: what counts as an AbortSignal, and where it is looked for.

describe('what counts as an abort signal', () => {
  it('rejects a signal option that only looks like an event target', () => {
    expect(() => retryable(() => 'ok', { signal: new EventTarget() as AbortSignal })).toThrow(
      TypeError,
    );
  });

  it('lets a signal function answer undefined: nothing can abort, the call retries', async () => {
    let calls = 0;
    const flaky = retryable(
      async () => {
        calls += 1;
        if (calls === 1) throw new HttpError(503);
        return 'served';
      },
      { initialDelay: 0, signal: () => undefined },
    );
    await expect(flaky()).resolves.toBe('served');
    expect(calls).toBe(2);
  });
});

describe('where a signal argument is found', () => {
  it('looks past an object argument without a signal to a later AbortSignal argument', async () => {
    const controller = new AbortController();
    controller.abort(new Error('caller gave up'));
    const attempts: unknown[] = [];
    const fetchReport = retryable(
      async (options: { format: string }, signal: AbortSignal) => {
        attempts.push([options, signal]);
        throw new HttpError(503);
      },
      { initialDelay: 0 },
    );
    await expect(fetchReport({ format: 'csv' }, controller.signal)).rejects.toThrow(
      'caller gave up',
    );
    expect(attempts).toHaveLength(1);
  });
});
