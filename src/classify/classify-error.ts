import { categorizeOneError } from './categorize-one-error';
import { ErrorCategory } from './error-category';
import { findInErrorChain } from './error-shape';

/**
 * The built-in classifier. Judges the error itself, then its `cause` and AggregateError `errors`
 * (bounded depth, cycles ignored), and takes the first definite answer: `TypeError('fetch failed')`
 * is classified by the network error inside it. Unknown errors are NON_RETRYABLE. Never throws.
 */
export function classifyError(error: unknown): ErrorCategory {
  try {
    return findInErrorChain(error, categorizeOneError) ?? ErrorCategory.NON_RETRYABLE;
  } catch {
    // Every read is guarded already; this is the last line that keeps the promise "never throws".
    return ErrorCategory.NON_RETRYABLE;
  }
}
