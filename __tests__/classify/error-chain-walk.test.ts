import { classifyError } from '../../src/classify/classify-error';
import { ErrorCategory } from '../../src/classify/error-category';
import { MAX_CHAIN_NODES, findInErrorChain } from '../../src/classify/error-shape';

// How classifyError walks what was thrown: which values it reads properties from, which `errors`
// it looks into, and exactly how many errors it looks at in all.

const { RETRYABLE, NON_RETRYABLE, NETWORK } = ErrorCategory;

function refusedConnection(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
}

/** An AggregateError of `unknownCount` errors that say nothing, then a refused connection. */
function refusedAfterUnknownErrors(unknownCount: number): AggregateError {
  const unknown = Array.from({ length: unknownCount }, (_, index) => new Error(`unknown ${index}`));
  return new AggregateError([...unknown, refusedConnection()]);
}

describe('classifyError: a thrown function is read like an object', () => {
  it.each<[string, unknown, ErrorCategory]>([
    ['by its status', Object.assign(function failed() {}, { status: 503 }), RETRYABLE],
    ['by its code', Object.assign(() => undefined, { code: 'ECONNRESET' }), NETWORK],
  ])('%s', (_how, thrown, expected) => {
    expect(classifyError(thrown)).toBe(expected);
  });
});

describe('classifyError: MAX_CHAIN_NODES errors are looked at in all, the thrown one included', () => {
  it('finds the answer in the last error it looks at', () => {
    expect(classifyError(refusedAfterUnknownErrors(MAX_CHAIN_NODES - 2))).toBe(NETWORK);
  });

  it('does not look one error further', () => {
    expect(classifyError(refusedAfterUnknownErrors(MAX_CHAIN_NODES - 1))).toBe(NON_RETRYABLE);
  });
});

describe('classifyError: only a real array of `errors` is looked into', () => {
  it('passes over an array-like object', () => {
    const arrayLike = { length: 1, 0: refusedConnection() };
    expect(classifyError(Object.assign(new Error('many'), { errors: arrayLike }))).toBe(
      NON_RETRYABLE,
    );
  });

  it.each([
    ['a fraction', 1.5],
    ['a numeric string', '1'],
  ])('passes over an array whose length reads as %s', (_what, length) => {
    const lyingArray = new Proxy([refusedConnection()], {
      get: (target, key, receiver) =>
        key === 'length' ? length : Reflect.get(target, key, receiver),
    });
    expect(classifyError(Object.assign(new Error('many'), { errors: lyingArray }))).toBe(
      NON_RETRYABLE,
    );
  });
});

describe('findInErrorChain', () => {
  it('gives undefined when no error in the chain has an answer', () => {
    const chain = new Error('outer', {
      cause: new AggregateError([new Error('a'), new Error('b')]),
    });
    expect(findInErrorChain(chain, () => undefined)).toBeUndefined();
  });

  it('never asks about a missing member or cause', () => {
    const seen: unknown[] = [];
    const members = [undefined, null, new Error('member')];
    findInErrorChain(Object.assign(new AggregateError(members), { cause: null }), (node) => {
      seen.push(node);
      return undefined;
    });
    expect(seen).toHaveLength(2);
    expect(seen).not.toContain(undefined);
    expect(seen).not.toContain(null);
  });
});

describe('classifyError: the status range', () => {
  it.each([
    [599, RETRYABLE],
    [600, NON_RETRYABLE],
  ])('status %i', (status, expected) => {
    expect(classifyError({ status })).toBe(expected);
  });
});
