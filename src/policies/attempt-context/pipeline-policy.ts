import type { PipelinePolicy } from '../../core/pipeline';
import type { PolicyRegistration } from '../../core/policy-registry';
import { describeValue } from '../../policy/describe-value';

/** `attemptContext: true`: `currentAttempt()` answers inside every attempt, with no other policy. */
const attemptContextPolicy: PipelinePolicy = {
  kind: 'attempt-context',
  providesAttemptContext: true,
};

export const attemptContextRegistration: PolicyRegistration = {
  kind: 'attempt-context',
  optionKey: 'attemptContext',
  prepare(value, source) {
    if (typeof value === 'boolean') return value;
    throw new TypeError(`${source} must be true or false, got ${describeValue(value)}`);
  },
  create: (setting) => (setting === true ? attemptContextPolicy : undefined),
};
