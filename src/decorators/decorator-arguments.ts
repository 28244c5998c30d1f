import '../polyfill';
import {
  legacyMetadata,
  reflectMetadataApi,
  standardMetadata,
  type ClassOwner,
} from './class-metadata';

/** A decorator application, read from its arguments in either decorator mode. */
export type DecoratorApplication =
  | {
      readonly kind: 'method';
      readonly name: string;
      /** The property key, and whether it is a static method: with the class, they identify the method. */
      readonly key: string | symbol;
      readonly isStatic: boolean;
      /** A `#private` method, which no subclass can override. */
      readonly isPrivate: boolean;
      readonly method: Function;
      readonly owner: ClassOwner;
      /** Legacy mode only: the property descriptor to return. */
      readonly descriptor: PropertyDescriptor | undefined;
    }
  | {
      readonly kind: 'class';
      readonly name: string;
      readonly owner: ClassOwner;
      /** The class itself. */
      readonly value: Function;
    }
  /** A field, getter, setter, accessor or parameter: a place none of the decorators supports. */
  | {
      readonly kind: 'member';
      readonly description: string;
      /** What to do instead, when it is not what the decorator says of such a member. */
      readonly fix?: string;
    };

interface StandardContext {
  readonly kind: string;
  readonly name: string | symbol | undefined;
  readonly static?: boolean;
  readonly private?: boolean;
  readonly metadata?: object;
}

/**
 * The key of a `#private` method: a symbol per private name, as no public method can have it (its
 * name as a string is the key of a public method written `['#name']()`).
 */
const privateMethodKeys = new Map<string, symbol>();

function privateMethodKey(name: string): symbol {
  let key = privateMethodKeys.get(name);
  if (key === undefined) {
    key = Symbol(name);
    privateMethodKeys.set(name, key);
  }
  return key;
}

function isStandardContext(value: unknown): value is StandardContext {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as StandardContext).kind === 'string'
  );
}

/**
 * Tells the two decorator protocols apart at run time: TC39 standard decorators receive
 * `(value, context)` with a `context.kind`; legacy `experimentalDecorators` receive
 * `(constructor)` for a class and `(prototype or constructor, key, descriptor)` for a member.
 */
export function readDecoratorArguments(
  args: readonly unknown[],
  source: string,
): DecoratorApplication {
  const [first, second, third] = args;
  if (isStandardContext(second)) return readStandard(first, second, source);
  if (args.length === 1 && typeof first === 'function') {
    return {
      kind: 'class',
      name: first.name || '(anonymous class)',
      owner: legacyOwner(first, source),
      value: first,
    };
  }
  const isMemberKey = typeof second === 'string' || typeof second === 'symbol';
  if (
    isMemberKey &&
    ((typeof first === 'object' && first !== null) || typeof first === 'function')
  ) {
    const name = String(second);
    if (typeof third === 'number') {
      return { kind: 'member', description: `a parameter of "${name}"` };
    }
    const descriptor = third as PropertyDescriptor | undefined;
    if (descriptor === undefined) return { kind: 'member', description: `field "${name}"` };
    if (typeof descriptor.value === 'function') {
      // Instance methods get the prototype, static methods the constructor itself.
      const constructor =
        typeof first === 'function' ? first : (first as { constructor: Function }).constructor;
      const key = second as string | symbol;
      return {
        kind: 'method',
        name,
        key,
        isStatic: typeof first === 'function',
        isPrivate: false,
        method: descriptor.value as Function,
        owner: legacyOwner(constructor, source),
        descriptor,
      };
    }
    const accessor = descriptor.get ? 'getter' : 'setter';
    // The class keeps the declared member until every decorator of it has run: a method there
    // was made an accessor by a decorator applied before this one (autobind decorators do).
    const declared = Reflect.getOwnPropertyDescriptor(first, second as string | symbol);
    if (typeof declared?.value === 'function') {
      return {
        kind: 'member',
        description: `method "${name}"`,
        fix: `a decorator below it turned it into a ${accessor}; write ${source} below that decorator`,
      };
    }
    return { kind: 'member', description: `${accessor} "${name}"` };
  }
  throw new TypeError(
    `${source}: not applied as a decorator (got ${args.length} arguments); ` +
      `write ${source}(...) above a class or a method`,
  );
}

function readStandard(
  value: unknown,
  context: StandardContext,
  source: string,
): DecoratorApplication {
  const name = context.name === undefined ? '(anonymous class)' : String(context.name);
  if (context.kind !== 'method' && context.kind !== 'class') {
    return { kind: 'member', description: `${context.kind} "${name}"` };
  }
  const metadata = context.metadata;
  if (typeof metadata !== 'object' || metadata === null) throw missingMetadata(context, source);
  const owner: ClassOwner = { key: metadata, access: standardMetadata };
  if (context.kind === 'class') return { kind: 'class', name, owner, value: value as Function };
  return {
    kind: 'method',
    name,
    key: context.private === true ? privateMethodKey(name) : (context.name ?? name),
    isStatic: context.static === true,
    isPrivate: context.private === true,
    method: value as Function,
    owner,
    descriptor: undefined,
  };
}

/**
 * TypeScript 5.0 and 5.1 (and Babel's decorators before version 2023-05) pass no `metadata` in the
 * context at all; TypeScript 5.2 and later pass `undefined` when `Symbol.metadata` did not exist
 * when the class was defined, which `import 'tenacious'` prevents.
 */
function missingMetadata(context: StandardContext, source: string): TypeError {
  if (!('metadata' in context)) {
    return new TypeError(
      `${source}: the decorator context has no "metadata": this class was compiled by a ` +
        'compiler older than decorator metadata (TypeScript 5.0 or 5.1). tenacious needs ' +
        'TypeScript 5.2 or later (or experimentalDecorators)',
    );
  }
  return new TypeError(
    `${source}: decorator metadata is missing (Symbol.metadata did not exist when the class ` +
      "was defined); import 'tenacious' before defining decorated classes",
  );
}

function legacyOwner(constructor: Function, source: string): ClassOwner {
  reflectMetadataApi(source); // fail at definition, not at the first call, when it is missing
  return { key: constructor, access: legacyMetadata };
}

/**
 * A decorator factory written without parentheses (`@Retry` for `@Retry()`) is called with the
 * decorator's own arguments. Each factory takes one argument, so more than one means that mistake;
 * checking it matters in legacy mode, where an instance method's prototype would otherwise pass as
 * an empty options object and the method would silently not be retried.
 */
export function rejectUseWithoutParentheses(
  argumentCount: number,
  source: string,
  expected: string,
  usage: string,
): void {
  if (argumentCount > 1) {
    throw new TypeError(
      `${source}: expected ${expected}, got the arguments of a decorator; write ${usage} with parentheses`,
    );
  }
}
