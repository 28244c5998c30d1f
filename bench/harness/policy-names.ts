import type { CallKind } from './bench-case';

/**
 * The resilience policies of DESIGN 1b that the `policies` group measures alone, each on one
 * class behind one call site, on a call that succeeds first time (issue 13).
 */
export const policyNames = [
  'timeout',
  'hedge',
  'concurrency limit',
  'rate limit',
  'fallback',
] as const;
export type PolicyName = (typeof policyNames)[number];

/**
 * The kinds each policy is measured in: `@Timeout` and `@Hedge` cannot work on a sync method
 * (DESIGN 1b); a concurrency limit that never queues, a rate limit that never waits and a
 * fallback can.
 */
export const policyKinds: Record<PolicyName, readonly CallKind[]> = {
  timeout: ['async'],
  hedge: ['async'],
  'concurrency limit': ['async', 'sync'],
  'rate limit': ['async', 'sync'],
  fallback: ['async', 'sync'],
};

/** tenacious's export for each policy: the bench looks it up by this name. */
export const policyExportNames: Record<PolicyName, string> = {
  timeout: 'Timeout',
  hedge: 'Hedge',
  'concurrency limit': 'ConcurrencyLimit',
  'rate limit': 'RateLimit',
  fallback: 'Fallback',
};

/**
 * How each policy is measured:
 * - `tenacious`: the decorator as users write it, so with the class's default retry budget (one
 *   per decorated class, counting every call);
 * - `tenacious, budget: false`: the same under `@RetryDefaults({ budget: false })`: the policy's
 *   own cost, which the targets judge;
 * - `hand-written`: the simplest correct equivalent (cases/hand-written-policies.ts);
 * - `cockatiel 4`: its timeout, bulkhead and fallback policies' `execute` (Node 22+).
 */
export const policyVariants = [
  'tenacious',
  'tenacious, budget: false',
  'hand-written',
  'cockatiel 4',
] as const;
export type PolicyVariant = (typeof policyVariants)[number];

/** The cockatiel 4 policy compared with each of ours, where cockatiel has one. */
export const cockatielPolicies: Partial<Record<PolicyName, string>> = {
  timeout: 'timeout(10_000, TimeoutStrategy.Cooperative).execute',
  'concurrency limit': 'bulkhead(1_000).execute',
  fallback: 'fallback(handleAll, -1).execute',
};

/** The decorator each tenacious case applies, as written in cases/policies.ts. */
export const policyDecorators: Record<PolicyName, string> = {
  timeout: '@Timeout(10_000)',
  hedge: '@Hedge({ delay: 10_000, maxHedges: 1 })',
  'concurrency limit': '@ConcurrencyLimit({ maxConcurrent: 1_000 })',
  'rate limit': '@RateLimit({ limit: 1_000_000_000, interval: 1_000 })',
  fallback: '@Fallback(-1)',
};

export function policyCaseName(policy: PolicyName, kind: CallKind, variant: PolicyVariant): string {
  return `${policy}, ${kind}: ${variant}`;
}

/** Every policy case that can exist, in table order. */
export function allPolicyCases(): { policy: PolicyName; kind: CallKind; variant: PolicyVariant }[] {
  return policyNames.flatMap((policy) =>
    policyKinds[policy].flatMap((kind) =>
      policyVariants
        .filter(
          (variant) =>
            variant !== 'cockatiel 4' || (kind === 'async' && policy in cockatielPolicies),
        )
        .map((variant) => ({ policy, kind, variant })),
    ),
  );
}
