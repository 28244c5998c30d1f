// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'coverage/', 'bench/.build/', 'reports/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: false },
    },
    rules: {
      // Unused names are caught by tsc (noUnusedLocals, noUnusedParameters) with `_` as the opt-out.
      '@typescript-eslint/no-unused-vars': 'off',
      '@typescript-eslint/no-explicit-any': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'prefer-const': 'error',
      'no-var': 'error',
      curly: ['error', 'multi-line'],
      // TypeScript resolves names; the rule does not know the compiler's globals.
      'no-undef': 'off',
      // Decorator metadata is keyed by arbitrary class constructors, which TypeScript types as Function.
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  {
    // Tests build hostile values on purpose: `any`, empty functions and `this` aliases are their subject.
    files: ['__tests__/**', 'bench/**', 'examples/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/no-this-alias': 'off',
      // A generator that throws before yielding is what the stream tests are about.
      'require-yield': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
