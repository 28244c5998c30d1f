import { shapeNames, type ShapeName } from './bench-case';
import { policyNames, type PolicyName } from './policy-names';

/**
 * A set of cases run together in one child process. A process is the unit of isolation: V8's
 * type feedback, hidden classes and optimised code are per process, so what one group's methods
 * do cannot change another group's numbers.
 */
export interface GroupPlan {
  readonly name: string;
  /**
   * 'peers': tenacious's entry points against the peer libraries; 'policies': each resilience
   * policy alone against its hand-written equivalent and cockatiel 4; 'shapes': generated shape
   * cases.
   */
  readonly contents: 'peers' | 'policies' | 'shapes';
  readonly shapes: readonly ShapeName[];
  /** The policies a 'policies' group measures, each against its hand-written equivalent. */
  readonly policies: readonly PolicyName[];
  /**
   * Call the inherited method through its two subclasses (every wrapper, both kinds) before
   * anything else runs: what that shape does to shared state shows in every other shape.
   */
  readonly poisonFirst: boolean;
}

export const peersGroup = 'peers';
export const policiesGroup = 'policies';
export const attemptContextPoliciesGroup = 'policies with an attempt context';
export const poisonedGroup = 'poisoned';
export const cleanGroup = (shape: ShapeName): string => `clean: ${shape}`;

/**
 * The policies whose calls run inside an AsyncLocalStorage (`currentAttempt()`). On Node 20 and
 * 22 the first such call turns on async_hooks' promise hooks for the whole process, and from then
 * on every promise costs several times as much, a direct call's included: measured in the same
 * process, the other policies would be judged under a cost that a program without a time limit
 * or a hedge never pays. So they have a process of their own.
 */
const attemptContextPolicies: readonly PolicyName[] = ['timeout', 'hedge'];

export const groupPlans: readonly GroupPlan[] = [
  { name: peersGroup, contents: 'peers', shapes: [], policies: [], poisonFirst: false },
  {
    name: policiesGroup,
    contents: 'policies',
    shapes: [],
    policies: policyNames.filter((policy) => !attemptContextPolicies.includes(policy)),
    poisonFirst: false,
  },
  {
    name: attemptContextPoliciesGroup,
    contents: 'policies',
    shapes: [],
    policies: attemptContextPolicies,
    poisonFirst: false,
  },
  ...shapeNames.map((shape): GroupPlan => ({
    name: cleanGroup(shape),
    contents: 'shapes',
    shapes: [shape],
    policies: [],
    poisonFirst: false,
  })),
  {
    name: poisonedGroup,
    contents: 'shapes',
    shapes: shapeNames,
    policies: [],
    poisonFirst: true,
  },
];

/** The groups that measure policies alone. */
export const policyGroups: readonly string[] = [policiesGroup, attemptContextPoliciesGroup];
