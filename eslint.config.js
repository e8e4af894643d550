import { builtinModules } from 'node:module';

import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Import boundaries (DESIGN.md): renderer → common ← electron/main → electron/services → common.
 * They are lint errors, and lint-boundaries.test.ts proves each rule fires on a bad import.
 */
const nodeBuiltins = [...builtinModules.filter(name => !name.startsWith('_')), 'node:*'];

const noElectron = [
  {
    group: ['electron', 'electron/*'],
    message: 'Only electron/main and electron/preload may import Electron.',
  },
];

export const boundaries = {
  renderer: [
    ...noElectron,
    {
      group: nodeBuiltins,
      message: 'The renderer never sees Node: talk to services through `api` (renderer/src/bridge.ts).',
    },
    {
      regex: String.raw`(^|/)electron(/|$)`,
      message: 'The renderer may not import from electron/: use common/ and the bridge.',
    },
    { regex: String.raw`(^|/)testing(/|$)`, message: 'The renderer may not import stand-ins.' },
  ],
  services: [
    ...noElectron,
    {
      regex: String.raw`^(\.\./)+(main|preload|devhost|cli)(/|$)`,
      message: 'Services are plain Node: they may not import the fronts (main, preload, devhost, cli).',
    },
    { regex: String.raw`(^|/)renderer(/|$)`, message: 'Services may not import the renderer.' },
    {
      regex: String.raw`(^|/)testing(/|$)`,
      message: 'Services may not import stand-ins; the fronts inject them.',
    },
  ],
  main: [
    { regex: String.raw`(^|/)renderer(/|$)`, message: 'Main may not import the renderer.' },
    { regex: String.raw`(^|/)testing(/|$)`, message: 'The app never ships stand-ins.' },
  ],
  common: [
    ...noElectron,
    { group: nodeBuiltins, message: 'common/ is pure TypeScript shared with the renderer: no Node.' },
    { group: ['react', 'react-dom', 'react/*', 'react-dom/*'], message: 'common/ imports no UI runtime.' },
    {
      regex: String.raw`(^|/)(electron|renderer|testing)(/|$)`,
      message: 'common/ depends on nothing but itself and zod.',
    },
  ],
};

const restrict = patterns => ({ 'no-restricted-imports': ['error', { patterns }] });

const runtimeGlobals = [
  'process',
  'Buffer',
  'require',
  '__dirname',
  '__filename',
  'window',
  'document',
  'navigator',
];

export default defineConfig(
  {
    ignores: ['node_modules/', 'out/', 'dist/', 'test-results/', 'playwright-report/', 'coverage/'],
  },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.node.json', './tsconfig.web.json', './tsconfig.e2e.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-definitions': 'off',
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      'no-console': 'error',
      // @kubernetes/client-node's models (V1Pod, V1Deployment…) are classes holding data only; the
      // API speaks plain JSON of their shape, which is what Clawbar builds and reads.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.browser },
    rules: { ...reactHooks.configs.recommended.rules, ...restrict(boundaries.renderer) },
  },
  { files: ['electron/services/**/*.ts'], rules: restrict(boundaries.services) },
  {
    // Integration tests drive a service through its real I/O path against the stand-ins in
    // testing/ (DESIGN.md, testing layers); only the shipped code must never import them.
    files: ['electron/services/**/*.int.test.ts', 'electron/services/**/test-support/**/*.ts'],
    rules: restrict(boundaries.services.filter(pattern => !String(pattern.regex).includes('testing'))),
  },
  { files: ['electron/main/**/*.ts', 'electron/preload/**/*.ts'], rules: restrict(boundaries.main) },
  {
    files: ['common/**/*.ts'],
    rules: {
      ...restrict(boundaries.common),
      'no-restricted-globals': [
        'error',
        ...runtimeGlobals.map(name => ({
          name,
          message: 'common/ must run unchanged in main and in the renderer.',
        })),
      ],
    },
  },
  {
    files: ['**/*.test.ts', '**/*.test.tsx', 'e2e/**/*.ts', 'bench/**/*.ts', 'testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      'no-console': 'off',
    },
  },
);
