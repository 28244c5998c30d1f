import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { examples } from '../examples/catalog';

// The README is part of the product: these checks keep it true as the code changes.
const root = join(__dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const scripts = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

describe('README.md', () => {
  it('starts with the two set-up commands: the demo and every test', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const commands = firstBlock
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => line.replace(/\s+#.*$/, ''));
    expect(commands).toEqual(['npm ci && npm run demo', 'npm ci && npm test']);
    expect(readme.indexOf(firstBlock)).toBeLessThan(200);
  });

  it('lists every runnable example', () => {
    const listed = [...readme.matchAll(/^\| `([a-z-]+)` \|/gm)]
      .map((match) => match[1])
      .filter((name) => !name.includes('_'));
    const exampleRows = listed.filter(
      (name) => !Object.prototype.hasOwnProperty.call(scripts, name),
    );
    expect(new Set(exampleRows.filter((name) => name in examples))).toEqual(
      new Set(Object.keys(examples)),
    );
  });

  // DESIGN.md: a synchronous method sleeps by blocking, and "the README says so plainly".
  it('says plainly that a synchronous method blocks the thread between attempts', () => {
    const methodKinds = /\n## Method kinds\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
    expect(methodKinds).toMatch(/synchronous method stays synchronous/);
    expect(methodKinds).toMatch(/blocks the thread\s+\(`Atomics\.wait`\)/);
  });

  it('has every example say in its header how to run it', () => {
    const withoutCommand = Object.keys(examples).filter((name) => {
      const source = readFileSync(join(root, 'examples', `${name}.ts`), 'utf8');
      const header = /^(?:\/\/.*\n)+/.exec(source)?.[0] ?? '';
      return !header.includes(`npm run example -- ${name}\n`);
    });
    expect(withoutCommand).toEqual([]);
  });

  it('only mentions npm scripts that exist', () => {
    const mentioned = new Set([...readme.matchAll(/npm run ([a-z:-]+)/g)].map((match) => match[1]));
    for (const script of mentioned) expect(Object.keys(scripts)).toContain(script);
  });
});
