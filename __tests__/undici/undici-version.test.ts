// The undici tests run against undici 7 and, on Node 22+, undici 8 (`npm run test:node-matrix`
// sets TENACIOUS_UNDICI_MAJOR=8, which jest.config.ts maps to the `undici-8` package). This
// checks that the mapping is in effect, so a run that claims undici 8 really used it.
import { Agent } from 'undici';

describe('the undici these tests run against', () => {
  it('is the major version the run asks for', () => {
    const expected = process.env.TENACIOUS_UNDICI_MAJOR ?? '7';
    const manifest = require('undici/package.json') as { version: string };
    expect(manifest.version.split('.')[0]).toBe(expected);
  });

  it('is the same module as the one `import` gives the tests', () => {
    const required = require('undici') as { Agent: unknown };
    expect(required.Agent).toBe(Agent);
  });
});
