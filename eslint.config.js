// Lint for async safety and architecture: floating promises, type-only imports, and no deep imports
// across packages (each package is reached only through its exports map). Import cycles are checked
// by tools/check-import-cycles.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.baton/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.ts', '*.js', 'packages/dashboard/vite.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@baton/*/src/*',
                '@baton/*/dist/*',
                '@baton/*/*',
                '!@baton/*/testing',
                '!@baton/testkit/conformance',
                '!@baton/core/browser',
                '!@baton/core/store-kit',
                '!@baton/server/client',
              ],
              message:
                'Import a Baton package through its entry points (@baton/<name>, @baton/<name>/testing, @baton/testkit/conformance, @baton/core/browser, @baton/core/store-kit, @baton/server/client), never a deep path.',
            },
            {
              group: ['../../packages/*/src/*', '../packages/*/src/*', '../../../packages/*/src/*'],
              message: 'Import a Baton package by name, not by path into its sources.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
