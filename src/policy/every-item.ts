/**
 * Whether `predicate` holds for every item of `array`, holes read as `undefined` (which
 * `Array.prototype.every` would skip). Item by item, stopping at the first that fails: a sparse
 * array of length 2^32 - 1 is refused at its first hole, where `Array.from` would copy it whole.
 */
export function everyItem(
  array: readonly unknown[],
  predicate: (item: unknown) => boolean,
): boolean {
  for (let index = 0; index < array.length; index += 1) {
    if (!predicate(array[index])) return false;
  }
  return true;
}
