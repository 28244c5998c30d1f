import 'reflect-metadata';

// The tests of __tests__/decorators/proxied-prototype-chain.test.ts, compiled here as legacy
// decorators (experimentalDecorators, this project's tsconfig.legacy.json).
import '../decorators/proxied-prototype-chain.test';
