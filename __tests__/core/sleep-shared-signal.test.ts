import { getEventListeners } from 'node:events';
import { sleep } from '../../src/core/sleep';

// Sleeps on one signal share one 'abort' listener (src/core/sleep.ts); it must stay while any of
// them sleeps and go with the last.

describe('sleeps sharing one signal', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('keep one listener until the last of them ends by its timer', async () => {
    const controller = new AbortController();
    const short = sleep(10, controller.signal);
    const long = sleep(20, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(10);
    await expect(short).resolves.toBeUndefined();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(10);
    await expect(long).resolves.toBeUndefined();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('an abort wakes those still sleeping, and a later sleep on the aborted signal rejects at once', async () => {
    const controller = new AbortController();
    const finished = sleep(5, controller.signal);
    const sleeping = [sleep(50, controller.signal), sleep(60, controller.signal)];
    await jest.advanceTimersByTimeAsync(5);
    await expect(finished).resolves.toBeUndefined();
    const reason = new Error('stop');
    controller.abort(reason);
    await Promise.all(sleeping.map((sleepPromise) => expect(sleepPromise).rejects.toBe(reason)));
    await expect(sleep(10, controller.signal)).rejects.toBe(reason);
    expect(jest.getTimerCount()).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('a new sleep after all earlier ones ended registers a listener again and is woken by an abort', async () => {
    const controller = new AbortController();
    const first = sleep(5, controller.signal);
    await jest.advanceTimersByTimeAsync(5);
    await first;
    const second = sleep(50, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort('late');
    await expect(second).rejects.toBe('late');
    expect(jest.getTimerCount()).toBe(0);
  });
});
