// ESLint for the whole repository (run from the root: npm run lint). typescript-eslint's
// recommended rules; formatting is prettier's business, so its conflicting rules are off.
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig([
  { basePath: root, ignores: ['**/node_modules/', 'data/', 'dist/', 'bench/tmp/', 'coverage/'] },
  {
    basePath: root,
    files: ['**/*.{ts,tsx,js,mjs}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: globals.node },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
      // Terminal escapes and the address rules match control characters on purpose.
      'no-control-regex': 'off',
      // `_name` marks a value taken apart on purpose (`{ passwordHash: _p, ...rest }`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  { basePath: root, ...prettier },
]);
