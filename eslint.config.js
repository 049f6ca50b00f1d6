import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.data/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }],
      }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Node runs TypeScript by type stripping: no enums.' },
        { selector: 'TSModuleDeclaration[kind="namespace"]', message: 'Node runs TypeScript by type stripping: no namespaces.' },
        { selector: 'TSParameterProperty', message: 'Node runs TypeScript by type stripping: no parameter properties.' },
      ],
    },
  },
  {
    files: ['shared/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['@aws-sdk/*', '**/adapters/**', '**/http/**', '**/functions/**', '**/infra/**'], message: 'shared/domain is pure: no AWS SDK, adapters, http or functions (ARCHITECTURE §2).' },
      ] }],
    },
  },
  {
    files: ['shared/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/http/**', '**/functions/**', '**/infra/**'], message: 'Adapters depend on domain ports only (ARCHITECTURE §2).' },
      ] }],
    },
  },
  {
    files: ['shared/http/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/functions/**', '**/infra/**'], message: 'shared/http never imports a function or infra (ARCHITECTURE §2).' },
      ] }],
    },
  },
);
