// A call's arguments as the success path carries them: up to three one by one, with `count` their
// number, or else all of them as one list in `first`, with `count` = `listedArguments`. Gathering
// them with `...args` was the costliest allocation of a call that succeeds (bench/README.md); V8
// removes the short-lived literal arrays below, so such a call allocates no array at all. `count`
// is exact, so that a method with a rest parameter or `arguments` never sees trailing undefineds.

/** `count` when `first` holds the list of all the arguments. */
export const listedArguments = -1;

/** The most arguments passed one by one. */
export const mostUnpackedArguments = 3;

export function applyArguments(target: Function, thisArg: unknown, count: number, first: unknown, second: unknown, third: unknown): unknown {
  if (count === 1) return Reflect.apply(target, thisArg, [first]);
  if (count === 0) return Reflect.apply(target, thisArg, []);
  if (count === 2) return Reflect.apply(target, thisArg, [first, second]);
  return Reflect.apply(target, thisArg, count === 3 ? [first, second, third] : (first as readonly unknown[]));
}

/** The arguments as a list, made only once the first attempt has failed. */
export function listArguments(count: number, first: unknown, second: unknown, third: unknown): readonly unknown[] {
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
