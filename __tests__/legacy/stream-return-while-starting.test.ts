import 'reflect-metadata';

// The tests of __tests__/decorators/stream-return-while-starting.test.ts, compiled here as legacy
// decorators (experimentalDecorators, this project's tsconfig.legacy.json).
import '../decorators/stream-return-while-starting.test';
