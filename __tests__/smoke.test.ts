import '../src';
test('polyfill installs Symbol.metadata', () => {
  expect(typeof Symbol.metadata).toBe('symbol');
});
