// Flat config shared by every project; each project's `lint` target runs `eslint src`.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// A project's lint (nx runs `eslint src` in the project's folder) reads other @inferox packages' built .d.ts through
// its tsconfig.check.json, as its typecheck does (both depend on `^build`), instead of compiling their sources again;
// so in a project's folder, lint that project's files only. From the root, each file's tsconfig.json is used.
const checkProject = resolve(process.cwd(), 'tsconfig.check.json');
const typeInfo = existsSync(checkProject) ? { project: checkProject } : { projectService: true };

export default tseslint.config(
  { ignores: ['**/dist/**', '**/coverage/**', '**/node_modules/**', 'benches/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { ...typeInfo, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Apps print; libraries log through the core Logger.
    files: ['examples/**', 'benches/**', 'tools/**', 'packages/cli/**'],
    rules: { 'no-console': 'off' },
  },
);
