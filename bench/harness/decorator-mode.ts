import type { DecoratorMode } from './bench-case';

/**
 * A do-nothing method decorator that records how it was applied: TC39 standard decorators get
 * `(method, context)`, legacy `experimentalDecorators` get `(prototype, key, descriptor)`. A case
 * module puts it on a probe class, so the bench can check that each build really compiled its
 * decorators in the mode it claims (TypeScript picks the mode per program, silently).
 */
export function decoratorModeProbe(): {
  readonly decorator: (...args: unknown[]) => void;
  readonly mode: () => DecoratorMode;
} {
  let observed: DecoratorMode | undefined;
  return {
    decorator: (...args: unknown[]) => {
      observed = args.length === 2 && typeof args[1] === 'object' ? 'standard' : 'legacy';
    },
    mode: () => {
      if (observed === undefined) throw new Error('the decorator-mode probe was never applied');
      return observed;
    },
  };
}
