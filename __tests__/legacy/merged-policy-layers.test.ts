import 'reflect-metadata';

// The tests of __tests__/decorators/merged-policy-layers.test.ts, compiled here as legacy
// decorators (experimentalDecorators, this project's tsconfig.legacy.json).
import '../decorators/merged-policy-layers.test';
