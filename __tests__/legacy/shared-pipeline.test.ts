import 'reflect-metadata';

// The tests of __tests__/decorators/shared-pipeline.test.ts, compiled here as legacy decorators
// (experimentalDecorators, this project's tsconfig.legacy.json).
import '../decorators/shared-pipeline.test';
