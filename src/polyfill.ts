// Node 20 has no Symbol.metadata. TypeScript's standard-decorator output only creates the
// `context.metadata` object when the symbol exists, so this must run before any decorated class is
// defined: src/index.ts imports it first, and the decorator modules import it too.
(Symbol as { metadata?: symbol }).metadata ??= Symbol.for('Symbol.metadata');

export {};
