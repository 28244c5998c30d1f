import { Retry } from '../../src';

// DESIGN: "async methods and methods returning a promise: retried asynchronously". A plain method
// that threw synchronously on its first attempt and returns a promise on a later one is a
// promise-returning method: the same loop goes on asynchronously, and a rejection is retried.
const refused = (): Error =>
  Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

describe('plain method returning a promise', () => {
  test('a rejected promise after a synchronous throw is still retried', async () => {
    class Pool {
      calls = 0;
      @Retry({ maxAttempts: 3, initialDelay: 0, maxDelay: 0 })
      query(): Promise<string> {
        this.calls += 1;
        if (this.calls === 1) throw refused(); // e.g. acquire() throws synchronously
        if (this.calls === 2) return Promise.reject(refused());
        return Promise.resolve('rows');
      }
    }
    const pool = new Pool();
    await expect(Promise.resolve(pool.query())).resolves.toBe('rows');
    expect(pool.calls).toBe(3);
  });
});
