import 'reflect-metadata';

// The tests of __tests__/decorators/replacing-class-decorator.test.ts, compiled here as legacy
// decorators (experimentalDecorators, this project's tsconfig.legacy.json).
import '../decorators/replacing-class-decorator.test';
