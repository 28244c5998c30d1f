import { join } from 'node:path';
import ts from 'typescript';
import { ErrorCategory } from '../../src';
import { rateLimitDefaults, retryDefaults } from '../../src/policy/defaults';

// Every option is documented in the types with its default (`@default`, shown by editors as
// p-retry's are), and the documented default is the one the code applies.
const optionsFile = join(__dirname, '../../src/policy/options.ts');
const program = ts.createProgram([optionsFile], { strict: true, noEmit: true, types: [] });
const checker = program.getTypeChecker();
const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(optionsFile)!)!;

/** Each option of the interface, with the text of its `@default` tags. */
function documentedDefaults(interfaceName: string): Map<string, string[]> {
  const symbol = checker
    .getExportsOfModule(moduleSymbol)
    .find((each) => each.name === interfaceName);
  if (symbol === undefined) throw new Error(`${interfaceName} is not exported from options.ts`);
  const defaults = new Map<string, string[]>();
  for (const property of checker.getDeclaredTypeOfSymbol(symbol).getProperties()) {
    const tags = property
      .getJsDocTags(checker)
      .filter((tag) => tag.name === 'default')
      .map((tag) => ts.displayPartsToString(tag.text));
    defaults.set(property.name, tags);
  }
  return defaults;
}

/** How a default value is written in a `@default` tag. */
function written(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) {
    const names = new Map(
      Object.entries(ErrorCategory).map(([name, category]) => [category, name]),
    );
    return `[${value.map((category: ErrorCategory) => `ErrorCategory.${names.get(category)}`).join(', ')}]`;
  }
  return String(value);
}

describe.each([
  ['RetryOptions', retryDefaults],
  ['RateLimitOptions', rateLimitDefaults],
  ['RetryDefaultsOptions', retryDefaults],
])('%s', (interfaceName, codeDefaults) => {
  const defaults = documentedDefaults(interfaceName);

  it('has options', () => {
    expect(defaults.size).toBeGreaterThan(10);
  });

  it('gives every option one @default tag', () => {
    const withoutOne = [...defaults].filter(([, tags]) => tags.length !== 1).map(([name]) => name);
    expect(withoutOne).toEqual([]);
  });

  it('documents the defaults the code applies', () => {
    for (const [name, value] of Object.entries(codeDefaults)) {
      expect([name, defaults.get(name)]).toEqual([name, [written(value)]]);
    }
  });
});
