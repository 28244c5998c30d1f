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

/** Retries a budget granted over twenty exchanges answered with `reply`, none earned by a call. */
async function retriesGrantedAnswered(
  reply: unknown,
): Promise<{ granted: number; fleet: boolean }> {
  const budget = new RedisRetryBudget({
    client: scriptedClient(reply).client,
    key: 'garbage-budget',
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
    return { granted, fleet: budget.fleetReachable };
  } finally {
    await budget.close();
  }
}

/** Turns a limiter granted at once over ten exchanges answered with `reply`. */
async function turnsGrantedAnswered(reply: unknown): Promise<{ granted: number; fleet: boolean }> {
  const limiter = new RedisRateLimiter({
    client: scriptedClient(reply).client,
    key: 'garbage-limiter',
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
    return { granted, fleet: limiter.fleetReachable };
  } finally {
    await limiter.close();
  }
}

/** The state of a breaker, answered with `reply`, after two failures (it opens after two). */
async function breakerStateAnswered(reply: unknown): Promise<{ state: string; fleet: boolean }> {
  const breaker = new RedisBreaker({
    client: scriptedClient(reply).client,
    key: 'garbage-breaker',
    consecutiveFailures: 2,
    breakDuration: 60_000,
  });
  try {
    await breaker.sync();
    const fleet = breaker.fleetReachable;
    for (let i = 0; i < 2; i++) {
      const ticket = breaker.enter(undefined);
      expect(ticket).not.toBe(0);
      breaker.failed(undefined, ticket, new Error('down'), ErrorCategory.NETWORK, 0);
    }
    await breaker.sync();
    expect(breaker.state === 'open').toBe(breaker.enter(undefined) === 0);
    return { state: breaker.state, fleet };
  } finally {
    await breaker.close();
  }
}

// A whole reply of another kind (a proxy's 'OK', a nil), or fields that are not what the scripts
// return: each field of their replies is a count, a wait or a flag, a number >= 0 (the breaker's
// first, its state). Each is a failed exchange: the policy decides with its local state, as when
// Redis is down.
describe('replies that are not the scripts’ own', () => {
  it.each<[string, unknown]>([
    ['a nil', null],
    ['text fields', ['x', 'x', 'x', 'x']],
    ['a negative count of retries', ['0', '-1000', '1', 1]],
    ['empty fields', ['', '', '', '']],
  ])('leave RedisRetryBudget to its local budget (%s)', async (_, reply) => {
    const { granted, fleet } = await retriesGrantedAnswered(reply);
    expect(fleet).toBe(false);
    // The local budget's 10 (minPerSecond x window) at most; read as an empty window (or a
    // negative count of retries), each exchange would allow 10 more.
    expect(granted).toBeLessThanOrEqual(10);
  });

  it.each<[string, unknown]>([
    ['text fields', ['x', 'x', 'x']],
    ['negative fields', ['-5', '-1e9', '1']],
  ])('leave RedisRateLimiter to its local share (%s)', async (_, reply) => {
    const { granted, fleet } = await turnsGrantedAnswered(reply);
    expect(fleet).toBe(false);
    // Its limit of 10 a minute; read as a fleet with all its quota free, each exchange would let
    // 10 more pass.
    expect(granted).toBeLessThanOrEqual(10);
  });

  it.each<[string, unknown]>([
    ['a proxy’s OK', 'OK'],
    ['text fields', ['closed', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x']],
    ['a state of no circuit', ['sideways', '0', '0', '0', 0, 0, '1', 0, '0']],
    ['a negative field', ['closed', '0', '0', '-9', 0, 0, '1', 0, '0']],
  ])('leave RedisBreaker to its local breaker, which still opens (%s)', async (_, reply) => {
    await expect(breakerStateAnswered(reply)).resolves.toEqual({ state: 'open', fleet: false });
  });
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
