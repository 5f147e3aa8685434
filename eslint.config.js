import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const DOCKERODE = {
  name: 'dockerode',
  message: 'Only src/engine (the dockerode adapter) talks to the Docker API.',
};
const UNDICI = { name: 'undici', message: 'Only src/runtime/download.ts uses undici (package downloads).' };

/** A zone's import rule: later blocks replace earlier ones for their files, so each names them all. */
function restrictImports(paths, patterns = []) {
  return ['error', { paths, patterns }];
}

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-restricted-imports': restrictImports([DOCKERODE, UNDICI]),
    },
  },
  // Lint zones: the layering of the source tree (see the design notes), one block per zone.
  {
    files: ['src/core/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrictImports(
        [DOCKERODE, UNDICI],
        [
          {
            regex: '^(node:)?(fs|fs/promises|net|http|https|http2|child_process)$',
            message: 'src/core is pure: no I/O (it takes and returns plain data).',
          },
          {
            regex: '^\\.\\./(?!ports\\.js$)',
            message: 'src/core imports only from src/core (and types from src/ports.ts).',
          },
          {
            regex: '^\\.\\./ports\\.js$',
            allowTypeImports: true,
            message: 'src/core may take only types from src/ports.ts.',
          },
        ],
      ),
    },
  },
  {
    files: ['src/engine/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrictImports(
        [UNDICI],
        [
          {
            regex: '^\\.\\./(session|runtime|github|gitlab|cli|k8s)(/|$)',
            message:
              'src/engine is the Docker adapter: it imports neither the session core, the runtime nor a face.',
          },
        ],
      ),
    },
  },
  {
    files: ['src/github/**', 'src/gitlab/**', 'src/cli/**', 'src/k8s/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrictImports(
        [DOCKERODE, UNDICI],
        [
          {
            regex: '^(\\.\\./)+engine(/|$)',
            message: 'Faces reach the engine through the session core (src/session/engine.ts).',
          },
        ],
      ),
    },
  },
  {
    files: ['src/runtime/download.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': restrictImports([DOCKERODE]) },
  },
  {
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
);
