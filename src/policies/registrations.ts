import type { PolicyRegistration } from '../core/policy-registry';

/**
 * Every policy kind besides the retry lanes, each registered once here. A new kind adds its
 * folder (src/policies/<kind>/), one line here and its decorator: never the retry loop or the
 * fast path (src/core/fast-path/README.md).
 */
export const policyRegistrations: readonly PolicyRegistration[] = [];
