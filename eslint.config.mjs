// `npm run lint` (README "Development"): typescript-eslint's recommended rules everywhere, and the size limits the
// house keeps in src/ (300 lines a file, about 60 a function, blank lines and comments not counted).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const notCounted = { skipBlankLines: true, skipComments: true };

export default defineConfig(
  { ignores: ['dist/', 'coverage/', 'test-output/', 'scratch/', 'node_modules/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    rules: {
      // A leading underscore marks what must be named but is not used: an Express error handler's `_next` (its arity
      // is what Express reads), a field left out of a copy by destructuring.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts'],
    rules: {
      'max-lines': ['error', { max: 300, ...notCounted }],
      'max-lines-per-function': ['error', { max: 60, ...notCounted }],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    languageOptions: { globals: globals.jest },
    // Tests read response bodies by the shape they assert on; typing every body would add nothing the assertion lacks.
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // The playground page runs in the browser, as a classic script.
  { files: ['playground/**/*.js'], languageOptions: { globals: globals.browser, sourceType: 'script' } },
  {
    files: ['**/*.js', '**/*.cjs'],
    ignores: ['playground/**'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
