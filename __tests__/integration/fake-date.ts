/**
 * Fake timers for Date only: the breaker's break and the budget's window read `Date.now()`, while
 * sockets, undici and the AWS SDK keep their real timers.
 */
export const fakeDateOnly: Parameters<typeof jest.useFakeTimers>[0] = {
  doNotFake: [
    'hrtime',
    'nextTick',
    'performance',
    'queueMicrotask',
    'setImmediate',
    'clearImmediate',
    'setInterval',
    'clearInterval',
    'setTimeout',
    'clearTimeout',
  ],
};
