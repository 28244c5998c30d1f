import { BucketedWindow } from '../../../src/policies/retry-budget/bucketed-window';

// The ring both retry budgets count in (RetryBudget's calls and retries, RedisRetryBudget's fleet
// grants): 10 buckets of window / 10 ms on the wall clock, series counted apart.

test('counts each series apart, and drops an event once its bucket leaves the window', () => {
  const window = new BucketedWindow(1000, 2);
  window.add(0, 3, 10_050);
  window.add(1, 1, 10_050);
  window.add(0, 2, 10_950);
  expect(window.sum(0, 10_950)).toBe(5);
  expect(window.sum(1, 10_950)).toBe(1);
  // 10_050 is in bucket 100; at 11_000 (bucket 110) the window is buckets 101-110.
  expect(window.sum(0, 10_999)).toBe(5);
  expect(window.sum(0, 11_000)).toBe(2);
  // A slot used again for a newer bucket starts from zero in every series.
  window.add(1, 1, 11_050);
  expect(window.sum(0, 11_050)).toBe(2);
  expect(window.sum(1, 11_050)).toBe(1);
});

test('takes an event back from the newest bucket that holds one, and never below zero', () => {
  const window = new BucketedWindow(1000, 1);
  window.add(0, 1, 20_000);
  // Two buckets later the current bucket holds none: the one it was counted in gives it back.
  expect(window.takeNewest(0, 20_250)).toBe(true);
  expect(window.sum(0, 20_250)).toBe(0);
  expect(window.takeNewest(0, 20_250)).toBe(false);
  expect(window.sum(0, 20_250)).toBe(0);
  // An event that has left the window is not taken back.
  window.add(0, 1, 30_000);
  expect(window.takeNewest(0, 31_000)).toBe(false);
});
