import fc from 'fast-check';
import { ErrorCategory, classifyError, isRateLimitError } from '../../src';
import { readRetryAfter } from '../../src/backoff/retry-after';
import { isFailureBeforeProcessing } from '../../src/classify/before-processing';
import { MAX_CHAIN_DEPTH, MAX_CHAIN_NODES } from '../../src/classify/error-shape';
import { describeValue } from '../../src/policy/describe-value';
import { allCategories, anythingThrown, asHeadersOf, errorLike, holds } from './arbitraries';

// Anything can be thrown. The classifiers run on the failure path of every retried call, so a
// classifier that throws would replace the caller's error with its own.

const now = Date.UTC(2030, 0, 1);

describe('on anything thrown (fc.anything, cycles, deep AggregateErrors, throwing getters, revoked Proxies, frozen objects, huge strings, symbols, BigInts)', () => {
  it('classifyError returns an ErrorCategory and never throws', () => {
    fc.assert(
      fc.property(anythingThrown, (thrown) => {
        const category = classifyError(thrown.make());
        holds(allCategories.includes(category), `classifyError returned ${String(category)}`);
      }),
      { numRuns: 200 },
    );
  });

  it('isRateLimitError and isFailureBeforeProcessing return a boolean and never throw', () => {
    fc.assert(
      fc.property(anythingThrown, (thrown) => {
        holds(
          typeof isRateLimitError(thrown.make()) === 'boolean',
          'isRateLimitError did not return a boolean',
        );
        holds(
          typeof isFailureBeforeProcessing(thrown.make()) === 'boolean',
          'isFailureBeforeProcessing did not return a boolean',
        );
      }),
      { numRuns: 200 },
    );
  });

  it('readRetryAfter returns undefined or a wait that is neither negative nor NaN, and never throws', () => {
    // The headers themselves hostile too: at `headers`, `response.headers` and `$response.headers`.
    fc.assert(
      fc.property(fc.oneof(anythingThrown, asHeadersOf(anythingThrown)), (source) => {
        const wait = readRetryAfter(source.make(), now);
        // Infinity ("9" x 400 seconds) is allowed here: the caller clamps it to maxDelay.
        holds(
          wait === undefined || (typeof wait === 'number' && wait >= 0),
          `readRetryAfter returned ${String(wait)}`,
        );
      }),
      { numRuns: 200 },
    );
  });

  it('describeValue (used in every option error message) returns a string and never throws', () => {
    fc.assert(
      fc.property(anythingThrown, (value) => {
        holds(
          typeof describeValue(value.make()) === 'string',
          'describeValue did not return a string',
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('an unknown wrapper is looked through', () => {
  // fetch's TypeError('fetch failed'), or any error that says nothing itself, is judged by its cause:
  // wrapping must not change the answer (for chains well within the depth and node bounds).
  const wrap = (cause: unknown): Error => new Error('wrapper', { cause });

  /** The depth and node count of a (finite, acyclic) cause / errors tree, as the classifiers walk it. */
  function treeSize(error: unknown, depth = 0): { readonly depth: number; readonly nodes: number } {
    if (typeof error !== 'object' || error === null) return { depth, nodes: 1 };
    const { cause, errors } = error as { cause?: unknown; errors?: unknown };
    const children = [
      ...(cause === undefined || cause === null ? [] : [cause]),
      ...(Array.isArray(errors) ? errors : []),
    ];
    return children
      .map((child) => treeSize(child, depth + 1))
      .reduce(
        (total, child) => ({
          depth: Math.max(total.depth, child.depth),
          nodes: total.nodes + child.nodes,
        }),
        { depth, nodes: 1 },
      );
  }

  it('classifyError and isRateLimitError give the same answer for an error and for an Error wrapping it', () => {
    fc.assert(
      fc.property(errorLike, (recipe) => {
        const error = recipe.make();
        // The wrapper adds one level and one node: the whole tree must still be within the bounds.
        const size = treeSize(error);
        fc.pre(size.depth < MAX_CHAIN_DEPTH && size.nodes < MAX_CHAIN_NODES);
        holds(
          classifyError(wrap(error)) === classifyError(error),
          'classifyError changed under a wrapper',
        );
        holds(
          isRateLimitError(wrap(error)) === isRateLimitError(error),
          'isRateLimitError changed under a wrapper',
        );
      }),
      { numRuns: 300 },
    );
  });

  it('an unknown error is NON_RETRYABLE and not a rate limit', () => {
    fc.assert(
      fc.property(
        fc.string().filter((message) => !/rate.?limit|throttl/i.test(message)),
        (message) => {
          expect(classifyError(new Error(message))).toBe(ErrorCategory.NON_RETRYABLE);
          expect(isRateLimitError(new Error(message))).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });
});
