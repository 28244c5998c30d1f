/** Whether a case's method returns a promise (awaited per call) or a plain value. */
export type CallKind = 'async' | 'sync';

/** How the decorators of a case's module were compiled, as observed at run time. */
export type DecoratorMode = 'standard' | 'legacy';

/**
 * One way of calling the same empty method, `method(value) { return value + 1 }`. Every case has
 * its own instance (and its own wrapper), so that what V8 learns about one case's calls does not
 * slow down, or speed up, another's.
 */
export interface BenchCase {
  /** Unique, shown in the table and used as the key in the JSON. */
  readonly name: string;
  readonly kind: CallKind;
  /** The library measured; 'baseline' for the direct call. */
  readonly library:
    'baseline' | 'tenacious' | 'cockatiel' | 'p-retry' | 'typescript-retry-decorator';
  /** One call; resolves to (or returns) `value + 1`. */
  readonly call: (value: number) => Promise<number> | number;
}

/** A module of cases, with the decorator mode its own decorators were compiled in. */
export interface CaseModule {
  readonly decoratorMode: DecoratorMode;
  readonly cases: readonly BenchCase[];
}
