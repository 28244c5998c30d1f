import 'reflect-metadata';

// The tests of __tests__/decorators/decorated-super-call.test.ts, compiled here as legacy
// decorators (experimentalDecorators, this project's tsconfig.legacy.json).
import '../decorators/decorated-super-call.test';
