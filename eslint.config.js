// Layer rule (README.md, Architecture: Layers), enforced here rather than by goodwill:
// core imports only core and Node; api imports core; main/cli import api and native;
// native implements ports declared in core; renderer imports values only from electron/shared and
// types from api; electron/shared imports nothing and every layer may import it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { readFileSync } from 'node:fs';
import station from './tests/lint-rules/index.js';

const tableOwners = JSON.parse(readFileSync(new URL('./electron/core/db/tableOwners.json', import.meta.url), 'utf8')).tables;

const electronPkgs = ['electron', 'electron/*', 'electron-log', 'electron-log/*'];
const rendererPkgs = ['react', 'react-dom', 'antd', 'react-i18next', '@tanstack/*'];
// Translation happens at the edges (renderer, CLI, main menus); core and api speak error codes.
const edgePkgs = ['i18next'];

const RULE = '@typescript-eslint/no-restricted-imports';
const restrict = (group, message) => ({ [RULE]: ['error', { patterns: [{ group, message }] }] });

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-artifacts/**', 'resources/**/*.js'] },
  js.configs.recommended,
  { files: ['**/*.mjs', '**/*.js', '**/*.ts'], languageOptions: { globals: { ...globals.node } } },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // No import cycles anywhere (README.md, Architecture: Layers); `import type` counts, see tests/lint-rules/importCycle.js.
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs'],
    plugins: { station },
    rules: { 'station/no-import-cycle': 'error' },
  },
  {
    // One owner per table (electron/core/db/tableOwners.json): another feature's rows are read through what the
    // owner exports, so a table's schema is private to one folder.
    files: ['electron/core/*/**/*.ts'],
    ignores: ['**/*.test.ts', 'electron/core/db/**'],
    rules: { 'station/table-owner': ['error', { owners: tableOwners }] },
  },
  {
    // The vocabulary every layer shares, the renderer included: it imports nothing, not even types,
    // so importing it never drags Node, a package or another layer along (electron/shared/README.md).
    files: ['electron/shared/**/*.ts'],
    rules: {
      [RULE]: ['error', { patterns: [{ regex: '^(?!\\./[^/]+$)', message: 'electron/shared imports only electron/shared (electron/shared/README.md).' }] }],
    },
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: restrict(
      ['**/api/**', '**/main/**', '**/preload/**', '**/cli/**', '**/central/**', '**/native/**', '**/renderer/**', ...electronPkgs, ...rendererPkgs, ...edgePkgs],
      'electron/core imports only core and Node (README.md, Architecture: Layers).',
    ),
  },
  {
    files: ['electron/central/**/*.ts'],
    rules: restrict(
      ['**/api/**', '**/main/**', '**/preload/**', '**/native/**', '**/renderer/**', '**/cli/commands/**', '**/cli/main*', ...electronPkgs, ...rendererPkgs],
      'electron/central is a server program: core, Node, pg and the CLI message loader only (electron/central/README.md).',
    ),
  },
  {
    files: ['electron/api/**/*.ts'],
    rules: restrict(
      ['**/main/**', '**/preload/**', '**/cli/**', '**/native/**', '**/renderer/**', ...electronPkgs, ...rendererPkgs, ...edgePkgs],
      'electron/api imports only core (README.md, Architecture: Layers).',
    ),
  },
  {
    files: ['native/**/*.ts'],
    rules: restrict(
      ['**/api/**', '**/main/**', '**/preload/**', '**/cli/**', '**/renderer/**', ...rendererPkgs],
      'native implements ports declared in electron/core and imports nothing above it (README.md, Architecture: Layers).',
    ),
  },
  {
    files: ['electron/main/**/*.ts', 'electron/cli/**/*.ts', 'electron/preload/**/*.ts'],
    rules: restrict(['**/renderer/**', ...rendererPkgs], 'front ends reach the station through electron/api only.'),
  },
  {
    files: ['electron/main/**/*.ts', 'electron/cli/**/*.ts'],
    rules: {
      [RULE]: [
        'error',
        {
          patterns: [
            { group: ['**/renderer/**', ...rendererPkgs], message: 'front ends reach the station through electron/api only.' },
            { group: ['**/core/**'], message: 'main and cli go through electron/api, never core directly (README.md, Architecture: Layers).' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      [RULE]: [
        'error',
        {
          patterns: [
            { group: ['**/core/**', '**/main/**', '**/cli/**', '**/native/**', '**/preload/**', '**/central/**', 'node:*'], message: 'renderer imports values only from electron/shared, types from electron/api (README.md, Architecture: Layers).' },
            // The Electron packages by name (a `group` entry 'electron' would also match the electron/ folder), and
            // anything under electron/ that is neither the shared layer nor the api (a folder added later).
            { regex: '^electron(-log)?(/|$)|(^|/)electron/(?!shared/|api/)', message: 'renderer imports values only from electron/shared, types from electron/api (README.md, Architecture: Layers).' },
            { group: ['**/electron/api/**'], allowTypeImports: true, message: 'renderer imports only *types* from electron/api (README.md, Architecture: Layers).' },
          ],
        },
      ],
    },
  },
);
