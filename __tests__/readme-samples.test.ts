import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import * as tenacious from '../src';

// Every TypeScript sample of the README compiles against the package as written. A sample may be
// a fragment: the names it leaves to the reader (`base`, `Invoice`, a client) are declared below,
// and the package's exports it uses without importing them are imported, as the sample before it
// did. A method body written as `{ /* ... */ }` need not return what its signature says.
const root = join(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

const leftToTheReader = `
type Bedrock = typeof import('@aws-sdk/client-bedrock-runtime');
declare global {
  const base: string;
  const url: string;
  const id: string;
  const region: string;
  const modelId: string;
  const sql: string;
  const meterProvider: import('@opentelemetry/api').MeterProvider;
  const messages: import('@aws-sdk/client-bedrock-runtime').Message[];
  const input: import('@aws-sdk/client-bedrock-runtime').ConverseCommandInput;
  const client: InstanceType<Bedrock['BedrockRuntimeClient']>;
  type Invoice = { id: string };
  type Order = { id: string };
  type Receipt = { id: string };
  type Row = { id: string };
  type ConverseInput = import('@aws-sdk/client-bedrock-runtime').ConverseCommandInput;
  class IndexWarmingError extends Error {}
  class BusyError extends Error {}
  class Inventory { stock(sku: string): Promise<unknown> }
  function fetchReport(id: string): Promise<string>;
  const api: { getUser(id: string): Promise<{ name: string }> };
  function step(attempt: number): Promise<string>;
  const log: { warn(...args: unknown[]): void };
  const models: { converse(input: ConverseInput): Promise<void> };
  function respondLater(ms: number): void;
  function fetchUser(id: string): Promise<{ name: string }>;
  function searchIndex(query: string): Promise<string[]>;
  function query(sql: string): Promise<unknown>;
  function fetchPrice(sku: string): Promise<number>;
  function cachedPrice(sku: string): number;
  function estimateTokens(input: unknown): number;
  const app: {
    get(path: string, handler: (request: unknown, reply: { send(body: unknown): void }) => void): void;
  };
  const paymentsBreaker: import('tenacious').Breaker;
  const sharedBreaker: import('tenacious').Breaker;
  const sharedBudget: import('tenacious').RetryBudget;
  const ResilientBedrock: typeof import('tenacious/bedrock').ResilientBedrock;
}
export {};
`;

const packageExports = Object.keys(tenacious);

interface Sample {
  readonly line: number;
  readonly text: string;
}

function tsSamples(): Sample[] {
  return [...readme.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((match) => ({
    line: readme.slice(0, match.index).split('\n').length,
    text: match[1],
  }));
}

/** Whether the sample is a function body: a `return` that no function of its own encloses. */
function returnsOutsideFunctions(text: string): boolean {
  const visit = (node: ts.Node): boolean =>
    ts.isReturnStatement(node) ||
    (!ts.isFunctionLike(node) && ts.forEachChild(node, visit) === true);
  return visit(ts.createSourceFile('sample.ts', text, ts.ScriptTarget.ES2022));
}

/** The sample as a module: the package's exports it uses unimported, and a body for a `return`. */
function asModule({ text }: Sample): string {
  const imported = new Set(
    [...text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'tenacious'/g)].flatMap((match) =>
      match[1].split(',').map((name) => name.replace(/\btype\b/, '').trim()),
    ),
  );
  const used = packageExports.filter(
    (name) => !imported.has(name) && new RegExp(`\\b${name}\\b`).test(text),
  );
  const body = returnsOutsideFunctions(text)
    ? `export async function sample(): Promise<unknown> {\n${text.replace(/^import .*$/gm, '')}}\n${text.match(/^import .*$/gm)?.join('\n') ?? ''}`
    : text;
  return `${used.length > 0 ? `import { ${used.join(', ')} } from 'tenacious';\n` : ''}${body}\nexport {};\n`;
}

const methodBodyLeftOut = 2355; // "must return a value": a body written `{ /* ... */ }`

describe.each([false, true])('README samples (experimentalDecorators: %s)', (legacy) => {
  it('compile as written', () => {
    const samples = tsSamples();
    expect(samples.length).toBeGreaterThan(15);
    const files = new Map<string, string>([
      [join(root, '.readme-samples/reader.mts'), leftToTheReader],
    ]);
    for (const sample of samples) {
      files.set(join(root, `.readme-samples/line-${sample.line}.mts`), asModule(sample));
    }
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts', 'lib.esnext.decorators.d.ts'],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ['node'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      experimentalDecorators: legacy,
      paths: {
        tenacious: [join(root, 'src/index.ts')],
        'tenacious/*': [join(root, 'src/*.ts')],
      },
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    host.fileExists = (file) => files.has(file) || ts.sys.fileExists(file);
    host.readFile = (file) => files.get(file) ?? readFile(file);
    host.getSourceFile = (file, language, ...rest) =>
      files.has(file)
        ? ts.createSourceFile(file, files.get(file)!, language)
        : getSourceFile(file, language, ...rest);
    const program = ts.createProgram([...files.keys()], options, host);
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((diagnostic) => diagnostic.code !== methodBodyLeftOut)
      .map((diagnostic) => {
        const where = diagnostic.file
          ? `${diagnostic.file.fileName.replace(root, '')}:${diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start!).line + 1}: `
          : '';
        return where + ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      });
    expect(problems).toEqual([]);
  });
});
