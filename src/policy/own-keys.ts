// Options, class defaults and header bags are read by their own keys only: a key that someone put
// on Object.prototype (`Object.prototype.maxAttempts = 1000`) must not become an option.

/**
 * The own enumerable properties of `layers`, later ones overriding earlier ones, in a record without
 * a prototype: reading a key that no layer has gives `undefined`, whatever Object.prototype holds.
 */
export function mergeOwnKeys<Merged extends object>(
  ...layers: readonly (object | undefined)[]
): Merged {
  // Not Object.create(null): V8 keeps this one in fast mode, so reading options stays cheap.
  return Object.assign(Object.setPrototypeOf({}, null) as object, ...layers) as Merged;
}

/** `target[key]` when `target` has it as its own property; otherwise `undefined`. */
export function ownValue<Target extends object, Key extends keyof Target>(
  target: Target,
  key: Key,
): Target[Key] | undefined {
  return Object.hasOwn(target, key) ? target[key] : undefined;
}
