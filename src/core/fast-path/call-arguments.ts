// How the wrapper carries a call's arguments. The first attempt forwards the wrapper's own
// `arguments` with `Reflect.apply`, and reads its `.length`; V8 then passes the caller's arguments
// straight through and never creates the object. Any other use of `arguments` makes it allocate
// one per call, so a list is made (`collectArguments`) only once the first attempt has failed.
// After that, the arguments travel with `count` their number: up to three one by one, more as
// one list in `first`. A handler that captures three values is smaller than one that captures an
// array (rejection-handlers.ts). `count` is exact, so that a method with a rest parameter or
// `arguments` never sees trailing undefineds.

/** The most arguments passed one by one; with more, `first` holds the list of them all. */
export const mostUnpackedArguments = 3;

/** The arguments as a list: call it as `Reflect.apply(collectArguments, undefined, arguments)`. */
export function collectArguments(...list: unknown[]): unknown[] {
  return list;
}

/** The arguments as a list, made only once the first attempt has failed. */
export function listArguments(
  count: number,
  first: unknown,
  second: unknown,
  third: unknown,
): readonly unknown[] {
  switch (count) {
    case 0:
      return [];
    case 1:
      return [first];
    case 2:
      return [first, second];
    case 3:
      return [first, second, third];
    default:
      return first as readonly unknown[];
  }
}
