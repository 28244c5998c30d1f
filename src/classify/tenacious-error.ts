import { isErrorCategory, type ErrorCategory } from './error-category';

/**
 * Set to `true` on the prototype of every error tenacious raises itself (an open circuit, an
 * attempt timeout, ...). Such an error carries its own `category`, chosen where it is defined, and
 * the classifier takes it as is. `Symbol.for`, so an error from a second copy of the package counts.
 */
export const tenaciousErrorBrand: unique symbol = Symbol.for('tenacious.error') as never;

/** The `category` a tenacious error carries; `undefined` for any other value. Never throws. */
export function categoryOfTenaciousError(error: object): ErrorCategory | undefined {
  try {
    const branded = error as { [tenaciousErrorBrand]?: unknown; category?: unknown };
    if (branded[tenaciousErrorBrand] !== true) return undefined;
    const category = branded.category;
    return isErrorCategory(category) ? category : undefined;
  } catch {
    // A Proxy whose trap throws is not one of ours.
    return undefined;
  }
}
