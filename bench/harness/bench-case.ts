/** Whether a case's method returns a promise (awaited per call) or a plain value. */
export type CallKind = 'async' | 'sync';

/** How the decorators of a case's module were compiled, as observed at run time. */
export type DecoratorMode = 'standard' | 'legacy';

/** The shapes real programs call methods in (bench/README.md, "Shapes"). */
export const shapeNames = [
  'one class',
  'two classes',
  'eight classes',
  'inherited via two subclasses',
  'five arguments',
] as const;
export type ShapeName = (typeof shapeNames)[number];

/**
 * What stands between the call site and the method in a shape case: nothing, the simplest correct
 * hand-written wrapper that can retry, `@Retry` with only retry lanes, and `@Retry` with a circuit
 * breaker and the default retry budget.
 */
export const wrapperNames = [
  'direct',
  'hand-written wrapper',
  '@Retry',
  '@Retry + breaker + budget',
] as const;
export type WrapperName = (typeof wrapperNames)[number];

export type Library =
  | 'baseline'
  | 'tenacious'
  | 'hand-written'
  | 'cockatiel'
  | 'p-retry'
  | 'opossum'
  | 'typescript-retry-decorator';

/**
 * One way of calling the same empty method, `method(value) { return value + 1 }`. Every case has
 * its own instance (and its own wrapper), so that what V8 learns about one case's calls does not
 * slow down, or speed up, another's.
 */
export interface BenchCase {
  /** Unique within its group, shown in the table and used as the key in the JSON. */
  readonly name: string;
  readonly kind: CallKind;
  /** The library measured; 'baseline' for the direct call. */
  readonly library: Library;
  /** One call; resolves to (or returns) `value + 1`. */
  readonly call: (value: number) => Promise<number> | number;
  /** Set for the shape cases only. */
  readonly shape?: ShapeName;
  readonly wrapper?: WrapperName;
  /** The direct case this one is compared with; by default the group's direct call of its kind. */
  readonly baseline?: string;
  /** Called once after the group ran, to stop a library's own timers (opossum's statistics). */
  readonly dispose?: () => void;
}

/** A module of cases, with the decorator mode its own decorators were compiled in. */
export interface CaseModule {
  readonly decoratorMode: DecoratorMode;
  readonly cases: readonly BenchCase[];
}
