// Replies no script of tenacious's can give (a proxy or a server that answers garbage, a number far
// out of range): a fleet-wide policy reads them within what its own options allow, so that nothing
// it read outlasts Redis coming back, and no reply lets it spend past its limit.
import { ErrorCategory } from '../../src/classify/error-category';
import { RedisBreaker, RedisRateLimiter, RedisRetryBudget } from '../../src/redis';

/** A client whose replies the test scripts: `reply` while `up`, a rejection otherwise. */
function scriptedClient(reply: unknown) {
  const state = { up: true, reply };
  const answer = async () => {
    if (!state.up) throw new Error('Connection is closed.');
    return state.reply;
  };
  return { state, client: { evalsha: answer, eval: answer } };
}

describe('RedisBreaker given a break far longer than its longest', () => {
  afterEach(() => jest.useRealTimers());

  it('honours it, once Redis is lost, for no longer than its own longest break', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    // An open circuit whose trial call may be claimed in 1e15 ms (about 31,000 years).
    const { state, client } = scriptedClient(['open', '1e15', '0', '0', 0, 0, '1', 0, '0']);
    const breaker = new RedisBreaker({
      client,
      key: 'hostile-break',
      consecutiveFailures: 1,
      breakDuration: 1000,
    });
    try {
      await breaker.sync();
      expect(breaker.fleetView?.state).toBe('open');
      state.up = false;
      await breaker.sync();
      expect(breaker.fleetReachable).toBe(false);
      expect(breaker.remainingBreak(undefined)).toBeLessThanOrEqual(1000);
      jest.setSystemTime(1_000_000 + 1001);
      // Redis is still unreachable: the instance decides alone, its own circuit closed.
      expect(breaker.enter(undefined)).toBeGreaterThan(0);
    } finally {
      await breaker.close();
    }
  });
});

describe('RedisRateLimiter given a lease larger than it asked for', () => {
  it('holds no more than it asked for', async () => {
    const { state, client } = scriptedClient(['0', '0', '1']);
    const limiter = new RedisRateLimiter({
      client,
      key: 'hostile-lease',
      limit: 10,
      interval: 1000,
      maxWait: 0,
    });
    try {
      await limiter.sync();
      // Five units asked for: the next exchange asks the fleet for five.
      for (let i = 0; i < 5; i++) limiter.tryAcquire(1, 0, Date.now());
      state.reply = ['1e12', '0', '1'];
      await limiter.sync();
      expect(limiter.leased).toBeLessThanOrEqual(5);
    } finally {
      await limiter.close();
    }
  });
});

describe('RedisBreaker given replies that are not its script’s', () => {
  it('decides with its local breaker, as when Redis is down, and still opens', async () => {
    // A server (or proxy) that answers every script with something else.
    const answer = async () => 'OK';
    const breaker = new RedisBreaker({
      client: { evalsha: answer, eval: answer },
      key: 'garbage-breaker',
      consecutiveFailures: 2,
      breakDuration: 60_000,
    });
    try {
      await breaker.sync();
      expect(breaker.fleetReachable).toBe(false);
      for (let i = 0; i < 2; i++) {
        const ticket = breaker.enter(undefined);
        expect(ticket).not.toBe(0);
        breaker.failed(undefined, ticket, new Error('down'), ErrorCategory.NETWORK, 0);
      }
      await breaker.sync();
      expect(breaker.state).toBe('open');
      expect(breaker.enter(undefined)).toBe(0);
    } finally {
      await breaker.close();
    }
  });
});

describe('RedisRetryBudget given replies that are not its script’s', () => {
  it('decides with its local budget, as when Redis is down', async () => {
    const answer = async () => null;
    const budget = new RedisRetryBudget({
      client: { evalsha: answer, eval: answer },
      key: 'garbage-budget',
      ratio: 0.1,
      minPerSecond: 1,
      window: 10_000,
    });
    try {
      let granted = 0;
      // Twenty exchanges' worth of retries, none earned by a call: the local budget's 10 at most.
      for (let round = 0; round < 20; round++) {
        await budget.sync();
        for (let i = 0; i < 20; i++) if (budget.tryRetry()) granted += 1;
      }
      expect(granted).toBeLessThanOrEqual(10);
      expect(budget.fleetReachable).toBe(false);
    } finally {
      await budget.close();
    }
  });
});

describe('RedisBreaker given a reply with a field no number can be made of', () => {
  it('reads it without throwing on the claim of a trial call’s place', async () => {
    // An open circuit whose break is over: the next attempt claims a trial call's place.
    const { state, client } = scriptedClient(['open', '0', '0', '0', 0, 0, '1', 0, '0']);
    const breaker = new RedisBreaker({
      client,
      key: 'symbol-claim',
      consecutiveFailures: 1,
      breakDuration: 1000,
    });
    try {
      await breaker.sync();
      expect(breaker.fleetView?.state).toBe('open');
      // A client (or a wrapper of one) whose reply holds a value Number() throws on.
      state.reply = ['open', '0', '0', '0', 0, Symbol('granted'), '1', 0, '0'];
      expect(breaker.enter(undefined)).toBe(0);
      // The claim is answered within a few turns of the event loop; a throw there would be an
      // unhandled rejection, which fails this test.
      for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
      // No place was granted: the attempt after the claim is refused too.
      expect(breaker.enter(undefined)).toBe(0);
    } finally {
      await breaker.close();
    }
  });
});

describe('replies whose fields are not numbers, or are negative', () => {
  // Each field of these scripts' replies is a count, a wait or a flag: a number >= 0.
  const budgetReplies = [
    ['x', 'x', 'x', 'x'],
    ['0', '-1000', '1', 1],
    ['', '', '', ''],
  ];

  it.each(budgetReplies)(
    'leave RedisRetryBudget to its local budget, as when Redis is down (%p, %p, ...)',
    async (...reply) => {
      const answer = async () => reply;
      const budget = new RedisRetryBudget({
        client: { evalsha: answer, eval: answer },
        key: 'garbage-fields-budget',
        ratio: 0.1,
        minPerSecond: 1,
        window: 10_000,
      });
      try {
        let granted = 0;
        for (let round = 0; round < 20; round++) {
          await budget.sync();
          for (let i = 0; i < 20; i++) if (budget.tryRetry()) granted += 1;
        }
        expect(budget.fleetReachable).toBe(false);
        // The local budget's 10 (minPerSecond x window) at most; read as an empty window (or a
        // negative count of retries), each exchange would allow 10 more.
        expect(granted).toBeLessThanOrEqual(10);
      } finally {
        await budget.close();
      }
    },
  );

  it.each([
    ['x', 'x', 'x'],
    ['-5', '-1e9', '1'],
  ])(
    'leave RedisRateLimiter to its local share, as when Redis is down (%p, %p, %p)',
    async (...reply) => {
      const answer = async () => reply;
      const limiter = new RedisRateLimiter({
        client: { evalsha: answer, eval: answer },
        key: 'garbage-fields-limiter',
        limit: 10,
        interval: 60_000,
        maxWait: 0,
      });
      try {
        let granted = 0;
        for (let round = 0; round < 10; round++) {
          await limiter.sync();
          for (let i = 0; i < 20; i++) if (limiter.tryAcquire(1, 0, Date.now()) === 0) granted += 1;
        }
        expect(limiter.fleetReachable).toBe(false);
        // Its limit of 10 a minute; read as a fleet with all its quota free, each exchange would
        // let 10 more pass.
        expect(granted).toBeLessThanOrEqual(10);
      } finally {
        await limiter.close();
      }
    },
  );

  it.each([
    ['closed', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x'],
    ['sideways', '0', '0', '0', 0, 0, '1', 0, '0'],
    ['closed', '0', '0', '-9', 0, 0, '1', 0, '0'],
  ])(
    'leave RedisBreaker to its local breaker, which still opens (%p, %p, ...)',
    async (...reply) => {
      const answer = async () => reply;
      const breaker = new RedisBreaker({
        client: { evalsha: answer, eval: answer },
        key: 'garbage-fields-breaker',
        consecutiveFailures: 2,
        breakDuration: 60_000,
      });
      try {
        await breaker.sync();
        expect(breaker.fleetReachable).toBe(false);
        for (let i = 0; i < 2; i++) {
          const ticket = breaker.enter(undefined);
          expect(ticket).not.toBe(0);
          breaker.failed(undefined, ticket, new Error('down'), ErrorCategory.NETWORK, 0);
        }
        await breaker.sync();
        expect(breaker.state).toBe('open');
      } finally {
        await breaker.close();
      }
    },
  );
});

describe('RedisRateLimiter given a late reply that is not its script’s', () => {
  afterEach(() => jest.useRealTimers());

  it('gives the fleet back no units for it', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    // Each script is answered when the test says; the arguments of each are kept.
    const answers: ((reply: unknown) => void)[] = [];
    const sent: string[][] = [];
    const answerLater = (_sha: string, _keys: number, ...keysAndArguments: string[]) => {
      sent.push(keysAndArguments);
      return new Promise((resolve) => answers.push(resolve));
    };
    const limiter = new RedisRateLimiter({
      client: { evalsha: answerLater, eval: answerLater },
      key: 'late-garbage-lease',
      limit: 10,
      interval: 1000,
      maxWait: 0,
    });
    const synced = limiter.sync();
    answers[0]!(['0', '0', '1']);
    await synced;
    expect(limiter.fleetReachable).toBe(true);
    for (let i = 0; i < 5; i++) limiter.tryAcquire(1, 0, Date.now());
    // The next exchange asks for 5 units, and is not answered within redisTimeout.
    await jest.advanceTimersByTimeAsync(160);
    expect(limiter.fleetReachable).toBe(false);
    const scriptsBefore = sent.length;
    // A proxy's garbage: its first field reads as 5 units, the others as nothing at all.
    answers[1]!(['5', 'x', 'y']);
    await jest.advanceTimersByTimeAsync(1);
    // A give-back script would return 5 units the fleet may never have leased.
    expect(sent.slice(scriptsBefore).filter((args) => args[3] === '5')).toEqual([]);
    const closing = limiter.close();
    await jest.advanceTimersByTimeAsync(60);
    await closing;
  });
});
