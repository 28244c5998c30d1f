import { shapeNames, type ShapeName } from './bench-case';

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
  /**
   * Call the inherited method through its two subclasses (every wrapper, both kinds) before
   * anything else runs: what that shape does to shared state shows in every other shape.
   */
  readonly poisonFirst: boolean;
}

export const peersGroup = 'peers';
export const policiesGroup = 'policies';
export const poisonedGroup = 'poisoned';
export const cleanGroup = (shape: ShapeName): string => `clean: ${shape}`;

export const groupPlans: readonly GroupPlan[] = [
  { name: peersGroup, contents: 'peers', shapes: [], poisonFirst: false },
  { name: policiesGroup, contents: 'policies', shapes: [], poisonFirst: false },
  ...shapeNames.map((shape): GroupPlan => ({
    name: cleanGroup(shape),
    contents: 'shapes',
    shapes: [shape],
    poisonFirst: false,
  })),
  { name: poisonedGroup, contents: 'shapes', shapes: shapeNames, poisonFirst: true },
];
