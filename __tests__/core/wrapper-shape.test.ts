import { retryable } from '../../src';

describe('the function retryable returns', () => {
  function fetchReport(_id: string, _format: string): string {
    return 'report';
  }

  it.each(['name', 'length'])(
    "has the original's %s, configurable as a function's own is",
    (key) => {
      const wrapped = retryable(fetchReport);
      expect(Reflect.get(wrapped, key)).toBe(Reflect.get(fetchReport, key));
      expect(Object.getOwnPropertyDescriptor(wrapped, key)).toMatchObject({
        configurable: true,
        writable: false,
      });
      Object.defineProperty(wrapped, key, { value: 'renamed' });
      expect(Reflect.get(wrapped, key)).toBe('renamed');
    },
  );
});
