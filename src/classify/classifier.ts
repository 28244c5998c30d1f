import type { ErrorCategory } from './error-category';

/**
 * Decides the category of an error, or returns `undefined` to defer to the next classifier in the
 * chain (method, then class from subclass to base, then the built-in `classifyError`).
 */
export type Classifier = (error: unknown) => ErrorCategory | undefined;
