import 'reflect-metadata';

// The tests of __tests__/decorators/guarded-method-wrapper.test.ts, compiled here as legacy
// decorators (experimentalDecorators, this project's tsconfig.legacy.json).
import '../decorators/guarded-method-wrapper.test';
